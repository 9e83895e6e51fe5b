import os
import stat
from pathlib import Path


def publish(path):
    # ruleid: os-chmod-world-writable
    os.chmod(path, 0o777)


def share_socket(sock_path):
    # ruleid: os-chmod-world-writable
    os.chmod(sock_path, stat.S_IRUSR | stat.S_IWUSR | stat.S_IWOTH)


def make_shared(p: Path):
    # ruleid: os-chmod-world-writable
    p.chmod(0o666)


def publish_safe(path):
    # ok: os-chmod-world-writable
    os.chmod(path, 0o644)


def make_executable(path):
    # ok: os-chmod-world-writable
    os.chmod(path, 0o755)
