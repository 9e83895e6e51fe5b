import json
import logging

log = logging.getLogger(__name__)


def load(path):
    try:
        with open(path) as fh:
            return json.load(fh)
    # ruleid: bare-except
    except:
        return {}


def send(client, msg):
    try:
        client.send(msg)
    # ruleid: bare-except
    except:
        log.warning("send failed")


def load_strict(path):
    try:
        with open(path) as fh:
            return json.load(fh)
    # ok: bare-except
    except (OSError, ValueError):
        return {}


def transaction(conn, work):
    try:
        work(conn)
        conn.commit()
    # ok: bare-except
    except:
        conn.rollback()
        raise
