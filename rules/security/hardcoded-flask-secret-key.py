import os

from flask import Flask

app = Flask(__name__)
# ruleid: hardcoded-flask-secret-key
app.secret_key = "super-secret-key-123"
# ruleid: hardcoded-flask-secret-key
app.config["SECRET_KEY"] = "dev"


def create_app():
    application = Flask(__name__)
    # ruleid: hardcoded-flask-secret-key
    application.config.update(SECRET_KEY="change-me-please", DEBUG=False)
    return application


# ok: hardcoded-flask-secret-key
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
# ok: hardcoded-flask-secret-key
app.config["SESSION_COOKIE_NAME"] = "session"
# ok: hardcoded-flask-secret-key
app.secret_key = os.urandom(32)
