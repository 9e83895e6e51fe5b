from flask import Flask, render_template_string, request

app = Flask(__name__)


@app.route("/hello")
def hello():
    name = request.args.get("name", "world")
    template = "<h1>Hello " + name + "!</h1>"
    # ruleid: template-injection-render-template-string
    return render_template_string(template)


@app.route("/preview", methods=["POST"])
def preview():
    # ruleid: template-injection-render-template-string
    return render_template_string(request.form["template"], user="guest")


@app.route("/hello-safe")
def hello_safe():
    name = request.args.get("name", "world")
    # ok: template-injection-render-template-string
    return render_template_string("<h1>Hello {{ name }}!</h1>", name=name)


@app.route("/static")
def static_page():
    lang = request.args.get("lang", "en")
    template = "<p>{{ lang }}</p>"
    # ok: template-injection-render-template-string
    return render_template_string(template, lang=lang)
