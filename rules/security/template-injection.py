

from django.http import HttpResponse
from django.template import Context, Template, engines
from flask import Flask, render_template_string, request
from jinja2 import Environment, FileSystemLoader, Template
import jinja2

app = Flask(__name__)
env = Environment(loader=FileSystemLoader("templates"), autoescape=True)


# --- flask.render_template_string ---


@app.route("/hello")
def hello():
    name = request.args.get("name", "world")
    template = "<h1>Hello " + name + "!</h1>"
    # ruleid: template-injection
    return render_template_string(template)


@app.route("/preview", methods=["POST"])
def preview():
    # ruleid: template-injection
    return render_template_string(request.form["template"], user="guest")


@app.route("/hello-safe")
def hello_safe():
    name = request.args.get("name", "world")
    # ok: template-injection
    return render_template_string("<h1>Hello {{ name }}!</h1>", name=name)


@app.route("/static")
def static_page():
    lang = request.args.get("lang", "en")
    template = "<p>{{ lang }}</p>"
    # ok: template-injection
    return render_template_string(template, lang=lang)


# --- jinja2 Template / Environment.from_string ---


@app.route("/render", methods=["POST"])
def render():
    source = request.form["template"]
    # ruleid: template-injection
    return Template(source).render()


@app.route("/mail-preview", methods=["POST"])
def mail_preview():
    subject = request.json["subject"]
    # ruleid: template-injection
    return env.from_string("Subject: " + subject).render(user="guest")


@app.route("/render-safe")
def render_safe():
    name = request.args["name"]
    # ok: template-injection
    return Template("Hello {{ name }}").render(name=name)


@app.route("/page")
def page():
    name = request.args["name"]
    # ok: template-injection
    return env.get_template("page.html").render(name=name)


@app.route("/static-source")
def static_source():
    name = request.args["name"]
    # ok: template-injection
    return jinja2.Environment(autoescape=True).from_string("<p>{{ n }}</p>").render(n=name)


# --- Django templates ---


def preview_9(request):
    body = request.POST["body"]
    # ruleid: template-injection
    tpl = Template("<div>" + body + "</div>")
    return HttpResponse(tpl.render(Context({"user": request.user})))


def email_preview(request):
    subject = request.GET["subject"]
    # ruleid: template-injection
    tpl = engines["django"].from_string(subject)
    return HttpResponse(tpl.render({}))


def preview_safe(request):
    body = request.POST["body"]
    # ok: template-injection
    tpl = Template("<div>{{ body }}</div>")
    return HttpResponse(tpl.render(Context({"body": body})))


def greeting(request, name):
    # ok: template-injection
    tpl = engines["django"].from_string("Hello {{ name }}")
    return HttpResponse(tpl.render({"name": name}))
