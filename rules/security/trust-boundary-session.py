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


@app.route("/set")
def set_value():
    key = request.form.get("key", "k")
    # ruleid: trust-boundary-session
    session[key] = "1"
    return "ok"


@app.route("/prefs")
def prefs():
    param = request.args.get("role", "user")
    bar = param
    if 7 * 18 > 100:
        bar = "user"
    # ok: trust-boundary-session
    session["role"] = bar
    bar2 = param if 7 * 18 < 100 else "guest"
    # ok: trust-boundary-session
    session["role2"] = bar2
    if 7 * 18 < 100:
        bar = "never"
    # ruleid: trust-boundary-session
    session["role3"] = param
    return "saved"
