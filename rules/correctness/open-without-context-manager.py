import contextlib
import json


def save(path, data):
    # ruleid: open-without-context-manager
    fh = open(path, "w")
    json.dump(data, fh)


def append_line(path, line):
    # ruleid: open-without-context-manager
    open(path, "a").write(line + "\n")


def save_ok(path, data):
    # ok: open-without-context-manager
    with open(path, "w") as fh:
        json.dump(data, fh)


def save_closed(path, data):
    # ok: open-without-context-manager
    fh = open(path, "w")
    try:
        json.dump(data, fh)
    finally:
        fh.close()


def open_log(path):
    # ok: open-without-context-manager
    fh = open(path, "a")
    return fh


def send_head(path, handler):
    try:
        # ok: open-without-context-manager
        f = open(path, "rb")
    except OSError:
        return None
    try:
        handler.send_headers(f)
        return f
    except Exception:
        f.close()
        raise


def open_many(paths):
    with contextlib.ExitStack() as stack:
        for p in paths:
            # ok: open-without-context-manager
            f = open(p)
            stack.enter_context(f)
