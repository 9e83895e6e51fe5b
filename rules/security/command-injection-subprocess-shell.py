import asyncio
import shlex
import subprocess

from fastapi import FastAPI
from flask import Flask, request

app = Flask(__name__)
api = FastAPI()
ALLOWED_BRANCHES = ("main", "develop")


@app.route("/ping")
def ping():
    host = request.args.get("host")
    cmd = f"ping -c 1 {host}"
    # ruleid: command-injection-subprocess-shell
    result = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    return result.stdout


@app.route("/grep", methods=["POST"])
def grep():
    data = request.get_json()
    # ruleid: command-injection-subprocess-shell
    return subprocess.check_output("grep -r '%s' /srv/logs" % data["pattern"], shell=True)


@api.get("/convert/{name}")
async def convert(name: str):
    # ruleid: command-injection-subprocess-shell
    proc = await asyncio.create_subprocess_shell("convert /uploads/" + name + " out.png")
    return {"rc": await proc.wait()}


@app.route("/ping-list")
def ping_list():
    host = request.args.get("host")
    # ok: command-injection-subprocess-shell
    result = subprocess.run(["ping", "-c", "1", host], capture_output=True, text=True)
    return result.stdout


@app.route("/ping-quoted")
def ping_quoted():
    host = request.args.get("host")
    # ok: command-injection-subprocess-shell
    subprocess.run("ping -c 1 " + shlex.quote(host), shell=True)
    return "ok"


@app.route("/checkout")
def checkout():
    branch = request.args["branch"]
    if branch in ALLOWED_BRANCHES:
        # ok: command-injection-subprocess-shell
        subprocess.run(f"git checkout {branch}", shell=True, check=True)
    return "ok"


@api.get("/uptime")
async def uptime(verbose: bool = False):
    # ok: command-injection-subprocess-shell
    return subprocess.check_output("uptime", shell=True)
