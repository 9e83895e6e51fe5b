import hashlib
import os


def hash_password(password: str) -> str:
    # ruleid: fast-hash-for-password
    return hashlib.sha256(password.encode()).hexdigest()


def register(form, db):
    salt = os.urandom(16)
    # ruleid: fast-hash-for-password
    db.save(form.username, hashlib.sha512(salt + form.password.encode()).hexdigest(), salt)


def hash_password_kdf(password: str, salt: bytes) -> bytes:
    # ok: fast-hash-for-password
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)


def fingerprint(token: str) -> str:
    # ok: fast-hash-for-password
    return hashlib.sha256(token.encode()).hexdigest()
