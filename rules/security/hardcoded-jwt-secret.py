import os

import jwt


def issue_token(user_id):
    # ruleid: hardcoded-jwt-secret
    return jwt.encode({"sub": user_id}, "my-jwt-secret", algorithm="HS256")


def read_token(token):
    # ruleid: hardcoded-jwt-secret
    return jwt.decode(token, key="my-jwt-secret", algorithms=["HS256"])


def issue_token_env(user_id):
    # ok: hardcoded-jwt-secret
    return jwt.encode({"sub": user_id}, os.environ["JWT_SECRET"], algorithm="HS256")


def read_token_env(token, settings):
    # ok: hardcoded-jwt-secret
    return jwt.decode(token, settings.JWT_SECRET, algorithms=["HS256"])
