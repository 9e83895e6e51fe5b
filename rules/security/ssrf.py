from urllib.parse import urlparse
import urllib.request

from fastapi import FastAPI
from flask import Flask, abort, request
import httpx
import requests
import urllib3

app = Flask(__name__)
api = FastAPI()
ALLOWED_HOSTS = {"images.example.com"}
API_BASE = "https://api.example.com"
ALLOWED_HOSTS = {"feeds.example.com"}


# --- requests / httpx / aiohttp ---


@app.route("/fetch")
def fetch():
    url = request.args["url"]
    # ruleid: ssrf
    resp = requests.get(url, timeout=5)
    return resp.content


@api.get("/preview")
async def preview(target: str):
    async with httpx.AsyncClient() as client:
        # ruleid: ssrf
        resp = await client.get(target)
    return {"status": resp.status_code}


@app.route("/webhook-test", methods=["POST"])
def webhook_test():
    host = request.json["host"]
    # ruleid: ssrf
    requests.post(f"http://{host}/hook", json={"ping": True}, timeout=5)
    return "sent"


@app.route("/item/<item_id>")
def item(item_id):
    # ok: ssrf
    resp = requests.get(f"https://api.example.com/items/{item_id}", timeout=5)
    return resp.json()


@app.route("/image")
def image():
    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    # ok: ssrf
    return requests.get(url, timeout=5).content


@app.route("/search")
def search():
    q = request.args["q"]
    # ok: ssrf
    return requests.get(API_BASE + "/search", params={"q": q}, timeout=5).json()


# --- urllib / urllib3 ---


@app.route("/proxy")
def proxy():
    url = request.args["url"]
    # ruleid: ssrf
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.read()


def fetch_feed(request):
    feed = request.GET["feed"]
    http = urllib3.PoolManager()
    # ruleid: ssrf
    return http.request("GET", feed).data


@app.route("/proxy-safe")
def proxy_safe():
    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(403)
    # ok: ssrf
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.read()


@app.route("/status/<service>")
def status(service):
    # ok: ssrf
    with urllib.request.urlopen(f"https://status.example.com/api/{service}", timeout=5) as resp:
        return resp.read()
