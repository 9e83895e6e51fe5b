import hmac
import json
import pickle
import socket

import requests
import yaml


def receive_job(sock: socket.socket):
    payload = sock.recv(65536)
    # ruleid: deserialization-network-data
    return pickle.loads(payload)


def fetch_model(url):
    resp = requests.get(url, timeout=10)
    # ruleid: deserialization-network-data
    return pickle.loads(resp.content)


def fetch_settings(url):
    resp = requests.get(url, timeout=10)
    # ruleid: deserialization-network-data
    return yaml.load(resp.text, Loader=yaml.UnsafeLoader)


def receive_job_json(sock: socket.socket):
    payload = sock.recv(65536)
    # ok: deserialization-network-data
    return json.loads(payload)


def fetch_settings_safe(url):
    resp = requests.get(url, timeout=10)
    # ok: deserialization-network-data
    return yaml.safe_load(resp.text)


def load_local(path):
    with open(path, "rb") as fh:
        # ok: deserialization-network-data
        return pickle.load(fh)
