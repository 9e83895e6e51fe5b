from urllib.parse import urlparse

from django.http import HttpResponseRedirect
from django.shortcuts import redirect as dj_redirect
from django.utils.http import url_has_allowed_host_and_scheme
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
ALLOWED_HOSTS = {"example.com", "www.example.com"}


@app.route("/login", methods=["POST"])
def login():
    next_url = request.args.get("next", "/")
    # ruleid: open-redirect
    return redirect(next_url)


def logout(request):
    target = request.GET.get("next")
    # ruleid: open-redirect
    return HttpResponseRedirect(target)


@app.route("/go")
def go():
    host = request.args["host"]
    # ruleid: open-redirect
    return redirect(f"https://{host}/welcome")


def django_login(request):
    next_url = request.POST.get("next", "/")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        # ok: open-redirect
        return dj_redirect(next_url)
    return dj_redirect("/")


@app.route("/profile")
def profile():
    name = request.args["name"]
    # ok: open-redirect
    return redirect(f"/users/{name}")


@app.route("/next")
def next_page():
    page = request.args["page"]
    # ok: open-redirect
    return redirect(url_for("show", page=page))


@app.route("/out")
def out():
    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        return "bad host", 400
    # ok: open-redirect
    return redirect(url)
