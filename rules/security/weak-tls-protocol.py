import ssl

from OpenSSL import SSL


def legacy_context():
    # ruleid: weak-tls-protocol
    return ssl.SSLContext(ssl.PROTOCOL_TLSv1)


def pyopenssl_context():
    # ruleid: weak-tls-protocol
    return SSL.Context(SSL.TLSv1_METHOD)


def allow_old_clients(ctx: ssl.SSLContext):
    # ruleid: weak-tls-protocol
    ctx.minimum_version = ssl.TLSVersion.TLSv1_1


def modern_context():
    # ok: weak-tls-protocol
    ctx = ssl.create_default_context()
    # ok: weak-tls-protocol
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def client_context():
    # ok: weak-tls-protocol
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
