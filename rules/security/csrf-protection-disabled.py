from flask import Flask

app = Flask(__name__)

# ruleid: csrf-protection-disabled
app.config["WTF_CSRF_ENABLED"] = False


class ProductionConfig:
    # ruleid: csrf-protection-disabled
    WTF_CSRF_CHECK_DEFAULT = False


class TestingConfig:
    TESTING = True
    # ok: csrf-protection-disabled
    WTF_CSRF_ENABLED = False


# ok: csrf-protection-disabled
app.config["WTF_CSRF_ENABLED"] = True
# ok: csrf-protection-disabled
app.config["WTF_CSRF_TIME_LIMIT"] = None
