import os

import psycopg2

# ruleid: hardcoded-secret
DB_PASSWORD = "s3cr3t-Pa55w0rd"
# ruleid: hardcoded-secret
STRIPE_API_KEY = "sk_live_51HxQ2eLkdIwHu7ixxwPQ"


class Settings:
    # ruleid: hardcoded-secret
    client_secret: str = "a8f5f167f44f4964e6c998dee827110c"


def connect():
    # ruleid: hardcoded-secret
    return psycopg2.connect(host="db", user="app", password="hunter2-prod")


# ruleid: hardcoded-secret
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-3f9a8b7c6d")

# ok: hardcoded-secret
DB_PASSWORD_ENV = "DB_PASSWORD"
# ok: hardcoded-secret
API_TOKEN = os.environ["API_TOKEN"]
# ok: hardcoded-secret
password = ""
# ok: hardcoded-secret
TOKEN_URL = "https://auth.example.com/oauth/token"
# ok: hardcoded-secret
api_key = "<your-api-key>"
# ok: hardcoded-secret
secret = "API_SECRET"


def form_fields():
    # ok: hardcoded-secret
    return dict(username="username", password="password")
