from urllib.parse import urlparse

import httpx
import requests
from fastapi import FastAPI
from flask import Flask, abort, request

app = Flask(__name__)
api = FastAPI()
ALLOWED_HOSTS = {"images.example.com"}
API_BASE = "https://api.example.com"


@app.route("/fetch")
def fetch():
    url = request.args["url"]
    # ruleid: ssrf-requests-httpx
    resp = requests.get(url, timeout=5)
    return resp.content


@api.get("/preview")
async def preview(target: str):
    async with httpx.AsyncClient() as client:
        # ruleid: ssrf-requests-httpx
        resp = await client.get(target)
    return {"status": resp.status_code}


@app.route("/webhook-test", methods=["POST"])
def webhook_test():
    host = request.json["host"]
    # ruleid: ssrf-requests-httpx
    requests.post(f"http://{host}/hook", json={"ping": True}, timeout=5)
    return "sent"


@app.route("/item/<item_id>")
def item(item_id):
    # ok: ssrf-requests-httpx
    resp = requests.get(f"https://api.example.com/items/{item_id}", timeout=5)
    return resp.json()


@app.route("/image")
def image():
    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    # ok: ssrf-requests-httpx
    return requests.get(url, timeout=5).content


@app.route("/search")
def search():
    q = request.args["q"]
    # ok: ssrf-requests-httpx
    return requests.get(API_BASE + "/search", params={"q": q}, timeout=5).json()
