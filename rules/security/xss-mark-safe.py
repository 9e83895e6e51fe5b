

from django.shortcuts import render
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from flask import Flask, render_template, request
from markupsafe import Markup, escape

app = Flask(__name__)


# --- markupsafe / flask Markup ---


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: xss-mark-safe
    greeting = Markup("<b>Hello %s</b>" % name)
    return render_template("hello.html", greeting=greeting)


@app.route("/bio/<username>")
def bio(username):
    # ruleid: xss-mark-safe
    return render_template("bio.html", bio=Markup(f"<h1>{username}</h1>"))


@app.route("/hello-safe")
def hello_safe():
    name = request.args.get("name", "")
    # ok: xss-mark-safe
    greeting = Markup("<b>Hello {}</b>").format(name)
    return render_template("hello.html", greeting=greeting)


@app.route("/hello-escaped")
def hello_escaped():
    name = request.args.get("name", "")
    # ok: xss-mark-safe
    greeting = Markup("<b>Hello " + escape(name) + "</b>")
    return render_template("hello.html", greeting=greeting)


# --- Django mark_safe / format_html ---


def greet(request):
    name = request.GET.get("name", "")
    # ruleid: xss-mark-safe
    banner = mark_safe(f"<h1>Hello {name}</h1>")
    return render(request, "greet.html", {"banner": banner})


def comment(request, slug):
    text = request.POST["text"]
    # ruleid: xss-mark-safe
    html = format_html("<p>" + text + "</p>")
    return render(request, "comment.html", {"html": html, "slug": slug})


def greet_safe(request):
    name = request.GET.get("name", "")
    # ok: xss-mark-safe
    banner = format_html("<h1>Hello {}</h1>", name)
    return render(request, "greet.html", {"banner": banner})


def greet_escaped(request):
    name = request.GET.get("name", "")
    # ok: xss-mark-safe
    banner = mark_safe("<h1>Hello %s</h1>" % conditional_escape(name))
    return render(request, "greet.html", {"banner": banner})


def contents(request):
    # ruleid: xss-mark-safe
    block = mark_safe(
        """
        <div>
            <p>Contents: %s</p>
        </div>
        """
        % request.POST.get("contents")
    )
    return render(request, "contents.html", {"block": block})


def contents_escaped(request):
    # ok: xss-mark-safe
    block = mark_safe(
        """
        <div>
            <p>Contents: %s</p>
        </div>
        """
        % conditional_escape(request.POST.get("contents"))
    )
    return render(request, "contents.html", {"block": block})


@app.route("/note")
def note():
    text = request.args.get("text", "")
    # ruleid: xss-mark-safe
    return render_template("note.html", note=Markup(text, errors="strict"))
