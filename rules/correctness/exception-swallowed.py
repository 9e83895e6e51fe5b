import contextlib
import os


def cleanup(path):
    try:
        os.remove(path)
    # ruleid: exception-swallowed
    except Exception:
        pass


def close_all(conns):
    for c in conns:
        try:
            c.close()
        # ruleid: exception-swallowed
        except BaseException as exc:
            pass


def cleanup_specific(path):
    try:
        os.remove(path)
    # ok: exception-swallowed
    except FileNotFoundError:
        pass


def cleanup_suppress(path):
    # ok: exception-swallowed
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def cleanup_logged(path, log):
    try:
        os.remove(path)
    # ok: exception-swallowed
    except Exception:
        log.exception("could not remove %s", path)
