import ast
import json

from django.http import JsonResponse
from flask import Flask, request

app = Flask(__name__)
OPERATIONS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b}


@app.route("/calc")
def calc():
    expr = request.args.get("expr", "0")
    # ruleid: code-injection-eval
    return str(eval(expr))


def run_snippet(request):
    code = request.POST["code"]
    scope = {}
    # ruleid: code-injection-eval
    exec(code, scope)
    return JsonResponse(scope.get("result"), safe=False)


@app.route("/settings", methods=["POST"])
def settings():
    raw = request.form["value"]
    # ok: code-injection-eval
    value = ast.literal_eval(raw)
    # ok: code-injection-eval
    parsed = json.loads(raw)
    return {"value": value, "parsed": parsed}


@app.route("/op/<name>")
def op(name):
    a = int(request.args["a"])
    b = int(request.args["b"])
    # ok: code-injection-eval
    return str(eval("a + b", {}, {"a": a, "b": b}))
