import shlex
import subprocess

from flask import Flask, abort, request

app = Flask(__name__)
ALLOWED_TOOLS = {"dig", "whois"}


@app.route("/tool")
def tool():
    name = request.args["tool"]
    target = request.args["target"]
    # ruleid: command-injection-subprocess-program
    return subprocess.check_output([name, target])


@app.route("/exec", methods=["POST"])
def execute():
    cmdline = request.form["cmd"]
    # ruleid: command-injection-subprocess-program
    subprocess.run(shlex.split(cmdline), check=True)
    return "done"


@app.route("/lookup")
def lookup():
    target = request.args["target"]
    # ok: command-injection-subprocess-program
    return subprocess.check_output(["dig", "+short", target])


@app.route("/tool-allowed")
def tool_allowed():
    name = request.args["tool"]
    if name not in ALLOWED_TOOLS:
        abort(404)
    # ok: command-injection-subprocess-program
    return subprocess.check_output([name, "example.com"])
