import urllib.request
from urllib.parse import urlparse

import urllib3
from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED_HOSTS = {"feeds.example.com"}


@app.route("/proxy")
def proxy():
    url = request.args["url"]
    # ruleid: ssrf-urllib
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.read()


def fetch_feed(request):
    feed = request.GET["feed"]
    http = urllib3.PoolManager()
    # ruleid: ssrf-urllib
    return http.request("GET", feed).data


@app.route("/proxy-safe")
def proxy_safe():
    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(403)
    # ok: ssrf-urllib
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.read()


@app.route("/status/<service>")
def status(service):
    # ok: ssrf-urllib
    with urllib.request.urlopen(f"https://status.example.com/api/{service}", timeout=5) as resp:
        return resp.read()
