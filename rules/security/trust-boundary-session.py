from flask import Flask, abort, request, session

app = Flask(__name__)
LANGUAGES = {"en", "fr", "de"}


@app.route("/role", methods=["POST"])
def set_role():
    # ruleid: trust-boundary-session
    session["role"] = request.form["role"]
    return "ok"


def set_tenant(request):
    tenant = request.GET.get("tenant")
    # ruleid: trust-boundary-session
    request.session["tenant_id"] = tenant
    return None


@app.route("/lang", methods=["POST"])
def set_lang():
    lang = request.form["lang"]
    if lang not in LANGUAGES:
        abort(400)
    # ok: trust-boundary-session
    session["lang"] = lang
    return "ok"


@app.route("/page-size", methods=["POST"])
def page_size():
    # ok: trust-boundary-session
    session["page_size"] = int(request.form["size"])
    return "ok"
