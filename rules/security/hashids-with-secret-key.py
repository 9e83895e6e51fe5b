import hashlib

from django.conf import settings
from flask import current_app
from hashids import Hashids

# ruleid: hashids-with-secret-key
ids = Hashids(salt=settings.SECRET_KEY, min_length=8)


def encoder():
    # ruleid: hashids-with-secret-key
    return Hashids(min_length=5, salt=current_app.config["SECRET_KEY"])


def positional(length):
    # ruleid: hashids-with-secret-key
    return Hashids(settings.SECRET_KEY, min_length=length)


def own_salt():
    # ok: hashids-with-secret-key
    return Hashids(salt=settings.HASHIDS_SALT, min_length=8)


def derived():
    salt = hashlib.md5(settings.SECRET_KEY.encode()).hexdigest()
    # ok: hashids-with-secret-key
    return Hashids(salt=salt, min_length=16)
