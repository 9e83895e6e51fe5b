from flask import Flask, request

app = Flask(__name__)


class User:
    def __init__(self, name):
        self.name = name


@app.route("/greet")
def greet():
    template = request.args.get("template", "Hello {user.name}")
    # ruleid: format-string-injection
    return template.format(user=User("alice"))


def notify(request):
    fmt = request.POST["format"]
    # ruleid: format-string-injection
    return fmt.format_map({"user": request.user})


@app.route("/greet-safe")
def greet_safe():
    name = request.args.get("name", "")
    # ok: format-string-injection
    return "Hello {}".format(name)


@app.route("/greet-percent")
def greet_percent():
    name = request.args.get("name", "")
    # ok: format-string-injection
    return "Hello {name}".format(name=name)
