import re

from flask import Flask, request

app = Flask(__name__)
NAMES = ["alice", "bob"]


@app.route("/filter")
def filter_names():
    pattern = request.args["pattern"]
    # ruleid: regex-injection
    rx = re.compile(pattern)
    return {"names": [n for n in NAMES if rx.search(n)]}


def highlight(request):
    term = request.GET.get("term", "")
    text = request.GET.get("text", "")
    # ruleid: regex-injection
    return re.sub("(" + term + ")", r"<mark>\1</mark>", text)


@app.route("/filter-literal")
def filter_literal():
    word = request.args["word"]
    # ok: regex-injection
    rx = re.compile(re.escape(word), re.IGNORECASE)
    return {"names": [n for n in NAMES if rx.search(n)]}


@app.route("/validate")
def validate():
    text = request.args["text"]
    # ok: regex-injection
    return {"ok": bool(re.fullmatch(r"[a-z0-9_]{3,32}", text))}
