import jinja2
from jinja2 import Environment, FileSystemLoader, Template
from flask import Flask, request

app = Flask(__name__)
env = Environment(loader=FileSystemLoader("templates"), autoescape=True)


@app.route("/render", methods=["POST"])
def render():
    source = request.form["template"]
    # ruleid: template-injection-jinja2
    return Template(source).render()


@app.route("/mail-preview", methods=["POST"])
def mail_preview():
    subject = request.json["subject"]
    # ruleid: template-injection-jinja2
    return env.from_string("Subject: " + subject).render(user="guest")


@app.route("/render-safe")
def render_safe():
    name = request.args["name"]
    # ok: template-injection-jinja2
    return Template("Hello {{ name }}").render(name=name)


@app.route("/page")
def page():
    name = request.args["name"]
    # ok: template-injection-jinja2
    return env.get_template("page.html").render(name=name)


@app.route("/static-source")
def static_source():
    name = request.args["name"]
    # ok: template-injection-jinja2
    return jinja2.Environment(autoescape=True).from_string("<p>{{ n }}</p>").render(n=name)
