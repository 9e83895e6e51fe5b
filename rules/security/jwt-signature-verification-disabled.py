import jwt


def current_user(token):
    # ruleid: jwt-signature-verification-disabled
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims["sub"]


def legacy_claims(token, key):
    # ruleid: jwt-signature-verification-disabled
    return jwt.decode(token, key, algorithms=["HS256", "none"])


def current_user_verified(token, key):
    # ok: jwt-signature-verification-disabled
    claims = jwt.decode(token, key, algorithms=["HS256"])
    return claims["sub"]


def expired_ok(token, key):
    # ok: jwt-signature-verification-disabled
    return jwt.decode(token, key, algorithms=["RS256"], options={"verify_exp": False})
