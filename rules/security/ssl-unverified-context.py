import socket
import ssl
import urllib.request


def fetch(url):
    # ruleid: ssl-unverified-context
    ctx = ssl._create_unverified_context()
    return urllib.request.urlopen(url, context=ctx).read()


def connect(host):
    ctx = ssl.create_default_context()
    # ruleid: ssl-unverified-context
    ctx.check_hostname = False
    # ruleid: ssl-unverified-context
    ctx.verify_mode = ssl.CERT_NONE
    return ctx.wrap_socket(socket.create_connection((host, 443)), server_hostname=host)


def fetch_safe(url):
    # ok: ssl-unverified-context
    ctx = ssl.create_default_context()
    return urllib.request.urlopen(url, context=ctx).read()


def mutual_tls(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    # ok: ssl-unverified-context
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx
