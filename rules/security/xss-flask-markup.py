from flask import Flask, render_template, request
from markupsafe import Markup, escape

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: xss-flask-markup
    greeting = Markup("<b>Hello %s</b>" % name)
    return render_template("hello.html", greeting=greeting)


@app.route("/bio/<username>")
def bio(username):
    # ruleid: xss-flask-markup
    return render_template("bio.html", bio=Markup(f"<h1>{username}</h1>"))


@app.route("/hello-safe")
def hello_safe():
    name = request.args.get("name", "")
    # ok: xss-flask-markup
    greeting = Markup("<b>Hello {}</b>").format(name)
    return render_template("hello.html", greeting=greeting)


@app.route("/hello-escaped")
def hello_escaped():
    name = request.args.get("name", "")
    # ok: xss-flask-markup
    greeting = Markup("<b>Hello " + escape(name) + "</b>")
    return render_template("hello.html", greeting=greeting)
