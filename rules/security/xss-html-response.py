import html

from django.http import HttpResponse, HttpResponseBadRequest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from flask import Flask, jsonify, render_template, render_template_string, request

app = Flask(__name__)
api = FastAPI()


@app.route("/search")
def search():
    q = request.args.get("q", "")
    # ruleid: xss-html-response
    return f"<h1>Results for {q}</h1>"


@app.route("/list")
def listing():
    items = request.args.getlist("item")
    body = "<ul>"
    for item in items:
        # ruleid: xss-html-response
        body += "<li>" + item + "</li>"
    body += "</ul>"
    # ruleid: xss-html-response
    return body


def django_search(request):
    q = request.GET.get("q", "")
    # ruleid: xss-html-response
    return HttpResponse("<p>You searched for %s</p>" % q)


@api.get("/hello/{name}")
def hello(name: str):
    # ruleid: xss-html-response
    return HTMLResponse(content=f"<h1>Hello {name}</h1>")


@app.route("/search-safe")
def search_safe():
    q = request.args.get("q", "")
    # ok: xss-html-response
    return f"<h1>Results for {html.escape(q)}</h1>"


@app.route("/search-template")
def search_template():
    q = request.args.get("q", "")
    # ok: xss-html-response
    return render_template("search.html", q=q)


@app.route("/api/search")
def api_search():
    q = request.args.get("q", "")
    # ok: xss-html-response
    return jsonify({"query": q})


def django_json(request):
    q = request.GET.get("q", "")
    # ok: xss-html-response
    return HttpResponse(q, content_type="text/plain")


@app.route("/link")
def link():
    target = request.args.get("to", "")
    # ruleid: xss-html-response
    page = "<a href='" + target + "'>go</a>"
    return jsonify({"html": page})


def django_context(request):
    text = request.GET["text"]
    template = '<a href="/abc/%s">link</a>'
    context = {}
    # ruleid: xss-html-response
    context["html"] = template % text
    # ok: xss-html-response
    context["plain"] = "value: %s" % text
    return context


@app.route("/echo")
def echo():
    # ruleid: xss-html-response
    return request.args.get("msg", "")


@app.route("/echo-json")
def echo_json():
    # ok: xss-html-response
    return {"msg": request.args.get("msg", "")}


def django_bad_request(request):
    # ruleid: xss-html-response
    return HttpResponseBadRequest("unknown user " + request.GET.get("user", ""))


@app.route("/greet")
def greet():
    name = request.headers.get("X-Name", "")
    # ok: xss-html-response
    return render_template_string("<p>Hi {{ name }}</p>", name=name)


@app.route("/greet-raw")
def greet_raw():
    name = request.headers.get("X-Name", "")
    # ruleid: xss-html-response
    return render_template_string("<p>Hi " + name + "</p>")


@app.route("/models/<model>")
def model_page(model):
    # ruleid: xss-html-response
    page = """
    <body>
      <model-viewer src="/static/models/{}.glb"></model-viewer>
    </body>
    """.format(model)
    # ruleid: xss-html-response
    return page


@app.route("/usage/<tool>")
def usage_text(tool):
    # ok: xss-html-response
    text = """
    Usage: run the tool named {} with --help for its options
    """.format(html.escape(tool))
    return text
