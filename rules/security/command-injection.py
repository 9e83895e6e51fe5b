import asyncio
import os
import shlex
import subprocess

from fastapi import FastAPI
from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED_HOSTS = {"example.com", "example.org"}
api = FastAPI()
ALLOWED_BRANCHES = ("main", "develop")
ALLOWED_TOOLS = {"dig", "whois"}


# --- os.system / os.popen / os.exec* / os.spawn* ---


@app.route("/ping")
def ping():
    host = request.args.get("host", "")
    # ruleid: command-injection
    status = os.system("ping -c 1 " + host)
    return {"status": status}


@app.route("/logs/<service>")
def logs(service):
    # ruleid: command-injection
    out = os.popen(f"journalctl -u {service} -n 50").read()
    return out


@app.post("/run")
def run_tool():
    tool = request.form["tool"]
    # ruleid: command-injection
    os.execvp(tool, [tool, "--version"])


def open_editor(request):
    editor = request.GET.get("editor", "vi")
    # ruleid: command-injection
    os.spawnlp(os.P_WAIT, editor, editor, "/srv/notes.txt")
    return None


@app.route("/ping-quoted")
def ping_quoted():
    host = request.args.get("host", "")
    # ok: command-injection
    os.system("ping -c 1 " + shlex.quote(host))
    return "ok"


@app.route("/ping-allowed")
def ping_allowed():
    host = request.args.get("host", "")
    if host not in ALLOWED_HOSTS:
        abort(400)
    # ok: command-injection
    os.system("ping -c 1 " + host)
    return "ok"


@app.route("/sleep")
def sleep_for():
    seconds = int(request.args.get("s", "1"))
    # ok: command-injection
    os.system(f"sleep {seconds}")
    return "ok"


@app.route("/static-cmd")
def static_cmd():
    host = request.args.get("host")
    host = "localhost"
    # ok: command-injection
    os.system("ping -c 1 " + host)
    return "ok"


# --- subprocess with shell=True ---


@app.route("/ping")
def ping_8():
    host = request.args.get("host")
    cmd = f"ping -c 1 {host}"
    # ruleid: command-injection
    result = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    return result.stdout


@app.route("/grep", methods=["POST"])
def grep():
    data = request.get_json()
    # ruleid: command-injection
    return subprocess.check_output("grep -r '%s' /srv/logs" % data["pattern"], shell=True)


@api.get("/convert/{name}")
async def convert(name: str):
    # ruleid: command-injection
    proc = await asyncio.create_subprocess_shell("convert /uploads/" + name + " out.png")
    return {"rc": await proc.wait()}


@app.route("/ping-list")
def ping_list():
    host = request.args.get("host")
    # ok: command-injection
    result = subprocess.run(["ping", "-c", "1", host], capture_output=True, text=True)
    return result.stdout


@app.route("/ping-quoted")
def ping_quoted_12():
    host = request.args.get("host")
    # ok: command-injection
    subprocess.run("ping -c 1 " + shlex.quote(host), shell=True)
    return "ok"


@app.route("/checkout")
def checkout():
    branch = request.args["branch"]
    if branch in ALLOWED_BRANCHES:
        # ok: command-injection
        subprocess.run(f"git checkout {branch}", shell=True, check=True)
    return "ok"


@api.get("/uptime")
async def uptime(verbose: bool = False):
    # ok: command-injection
    return subprocess.check_output("uptime", shell=True)


# --- program chosen by the request ---


@app.route("/tool")
def tool():
    name = request.args["tool"]
    target = request.args["target"]
    # ruleid: command-injection
    return subprocess.check_output([name, target])


@app.route("/exec", methods=["POST"])
def execute():
    cmdline = request.form["cmd"]
    # ruleid: command-injection
    subprocess.run(shlex.split(cmdline), check=True)
    return "done"


@app.route("/lookup")
def lookup():
    target = request.args["target"]
    # ok: command-injection
    return subprocess.check_output(["dig", "+short", target])


@app.route("/tool-allowed")
def tool_allowed():
    name = request.args["tool"]
    if name not in ALLOWED_TOOLS:
        abort(404)
    # ok: command-injection
    return subprocess.check_output([name, "example.com"])


# --- constant-folded branches (issue 14) ---


@app.route("/echo-folded")
def echo_folded():
    param = request.args.get("value", "")
    bar = param
    if 7 * 18 > 100:
        bar = "safe!"
    # ok: command-injection
    os.system("echo " + bar)
    other = "fixed" if (500 / 42) + 196 > 200 else param
    # ok: command-injection
    os.system("echo " + other)
    if (7 * 42) - 86 < 200:
        bar = "never happens"
    # ruleid: command-injection
    os.system("echo " + param)
    return "ok"


@app.route("/echo-folded-else")
def echo_folded_else():
    param = request.args.get("value", "")
    if (7 * 42) - 86 > 200:
        bar = param
    else:
        bar = "unused"
    # ruleid: command-injection
    os.system("echo " + bar)
    return "ok"


@app.route("/ping-nosh")
def ping_no_shell():
    host = request.args.get("host")
    # ruleid: command-injection
    subprocess.run("ping -c 1 " + host)
    # ruleid: command-injection
    subprocess.check_output(f"nslookup {host}")
    # ok: command-injection
    subprocess.run(["ping", "-c", "1"] + [host])
    # ok: command-injection
    subprocess.run("ping -c 1 " + shlex.quote(host), shell=True)
    return "ok"


@app.route("/remote")
def remote():
    path = request.args["path"]
    # ruleid: command-injection
    ssh_client.exec_command("ls " + path)
    # ok: command-injection
    ssh_client.exec_command("ls " + shlex.quote(path))
    return "ok"


def legacy_view(request):
    # ruleid: command-injection
    os.popen3("grep " + request.GET["q"] + " /var/log/app.log")
    return "ok"


def lambda_handler(event, context):
    # ruleid: command-injection
    os.system("convert " + event["key"] + " out.png")
    # ok: command-injection
    os.system("convert " + shlex.quote(event["key"]) + " out.png")


async def async_handler(event, context):
    # ruleid: command-injection
    shell = await asyncio.subprocess.create_subprocess_shell(event["cmd"])
    # ruleid: command-injection
    tool = await asyncio.subprocess.create_subprocess_exec(event["tool"], "--version")
    # ok: command-injection
    fixed = await asyncio.subprocess.create_subprocess_exec("convert", event["key"], "out.png")
    return shell, tool, fixed


def fixture_like(request):
    # ok: command-injection
    os.system("ls " + request.param)
