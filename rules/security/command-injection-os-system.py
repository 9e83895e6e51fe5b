import os
import shlex

from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED_HOSTS = {"example.com", "example.org"}


@app.route("/ping")
def ping():
    host = request.args.get("host", "")
    # ruleid: command-injection-os-system
    status = os.system("ping -c 1 " + host)
    return {"status": status}


@app.route("/logs/<service>")
def logs(service):
    # ruleid: command-injection-os-system
    out = os.popen(f"journalctl -u {service} -n 50").read()
    return out


@app.post("/run")
def run_tool():
    tool = request.form["tool"]
    # ruleid: command-injection-os-system
    os.execvp(tool, [tool, "--version"])


def open_editor(request):
    editor = request.GET.get("editor", "vi")
    # ruleid: command-injection-os-system
    os.spawnlp(os.P_WAIT, editor, editor, "/srv/notes.txt")
    return None


@app.route("/ping-quoted")
def ping_quoted():
    host = request.args.get("host", "")
    # ok: command-injection-os-system
    os.system("ping -c 1 " + shlex.quote(host))
    return "ok"


@app.route("/ping-allowed")
def ping_allowed():
    host = request.args.get("host", "")
    if host not in ALLOWED_HOSTS:
        abort(400)
    # ok: command-injection-os-system
    os.system("ping -c 1 " + host)
    return "ok"


@app.route("/sleep")
def sleep_for():
    seconds = int(request.args.get("s", "1"))
    # ok: command-injection-os-system
    os.system(f"sleep {seconds}")
    return "ok"


@app.route("/static-cmd")
def static_cmd():
    host = request.args.get("host")
    host = "localhost"
    # ok: command-injection-os-system
    os.system("ping -c 1 " + host)
    return "ok"
