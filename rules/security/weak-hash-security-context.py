import hashlib


def store_user(db, username, password):
    # ruleid: weak-hash-security-context
    digest = hashlib.md5(password.encode()).hexdigest()
    db.save(username, digest)


def make_reset_token(user):
    # ruleid: weak-hash-security-context
    return hashlib.sha1(f"{user.id}{user.email}".encode()).hexdigest()


def sign(payload):
    # ruleid: weak-hash-security-context
    signature = hashlib.new("md5", payload).hexdigest()
    return signature


def etag(body: bytes):
    # ok: weak-hash-security-context
    return hashlib.md5(body).hexdigest()


def cache_key(url):
    # ok: weak-hash-security-context
    return hashlib.sha1(url.encode()).hexdigest()


def legacy_token_lookup(token):
    # ok: weak-hash-security-context
    return hashlib.md5(token.encode(), usedforsecurity=False).hexdigest()
