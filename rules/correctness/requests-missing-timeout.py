import requests


def fetch(url):
    # ruleid: requests-missing-timeout
    return requests.get(url).json()


def post_event(url, event):
    # ruleid: requests-missing-timeout
    requests.post(url, json=event, headers={"X-Source": "bot"})


def fetch_ok(url):
    # ok: requests-missing-timeout
    return requests.get(url, timeout=10).json()


def post_ok(url, event, **kwargs):
    # ok: requests-missing-timeout
    return requests.post(url, json=event, **kwargs)
