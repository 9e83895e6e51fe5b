import importlib
import os


def run_hidden(command):
    # ruleid: shell-call-dynamic-lookup
    getattr(os, "system")(command)


def run_imported(command):
    # ruleid: shell-call-dynamic-lookup
    return __import__("os").popen(command).read()


def run_bound(command):
    # ruleid: shell-call-dynamic-lookup
    module = importlib.import_module("os")
    return module.system(command)


def run_both(command):
    # ruleid: shell-call-dynamic-lookup
    getattr(__import__("os"), "system")(command)


def platform_checks(path):
    # ok: shell-call-dynamic-lookup
    getuid = getattr(os, "getuid", None)
    # ok: shell-call-dynamic-lookup
    sep = __import__("os").sep
    # ok: shell-call-dynamic-lookup
    os.system("uptime")
    return getuid, sep, path


def by_name(command):
    # ok: shell-call-dynamic-lookup
    return os.popen(command).read()
