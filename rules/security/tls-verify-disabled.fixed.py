import httpx
import requests


def fetch_status(url):
    # ruleid: tls-verify-disabled
    return requests.get(url, timeout=5, verify=True).json()


def make_client():
    # ruleid: tls-verify-disabled
    return httpx.Client(base_url="https://internal.example.com", verify=True)


def post_with_session(url, data):
    session = requests.Session()
    # ruleid: tls-verify-disabled
    return session.post(url, json=data, verify=True, timeout=5)


def fetch_status_safe(url):
    # ok: tls-verify-disabled
    return requests.get(url, timeout=5).json()


def fetch_internal(url):
    # ok: tls-verify-disabled
    return requests.get(url, timeout=5, verify="/etc/ssl/internal-ca.pem").json()
