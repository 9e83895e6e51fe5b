from flask import Flask

app = Flask(__name__)

# ruleid: insecure-cookie-settings
SESSION_COOKIE_SECURE = False
# ruleid: insecure-cookie-settings
CSRF_COOKIE_SECURE = False
# ruleid: insecure-cookie-settings
app.config["SESSION_COOKIE_HTTPONLY"] = False

# ok: insecure-cookie-settings
SESSION_COOKIE_SECURE = True
# ok: insecure-cookie-settings
DEBUG = False
# ok: insecure-cookie-settings
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
