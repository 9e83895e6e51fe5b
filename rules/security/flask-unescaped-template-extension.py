import flask
from flask import Flask, render_template, request

app = Flask(__name__)


@app.route("/note")
def note():
    # ruleid: flask-unescaped-template-extension
    return render_template("note.txt", text=request.args.get("text"))


@app.route("/feed")
def feed():
    rows = load_rows()
    return (
        # ruleid: flask-unescaped-template-extension
        flask.render_template("feed.j2", rows=rows),
        200,
    )


@app.route("/page")
def page():
    # ok: flask-unescaped-template-extension
    return render_template("page.html", text=request.args.get("text"))


@app.route("/static-text")
def static_text():
    # ok: flask-unescaped-template-extension
    return render_template("about.txt")


def send_mail(user):
    # ok: flask-unescaped-template-extension
    body = render_template("welcome.txt", name=user.name)
    mailer.send(user.email, body)
