import subprocess


def build():
    # ruleid: subprocess-result-ignored
    subprocess.run(["make", "all"])


def restart(service):
    # ruleid: subprocess-result-ignored
    subprocess.call(["systemctl", "restart", service])


def build_checked():
    # ok: subprocess-result-ignored
    subprocess.run(["make", "all"], check=True)


def version():
    # ok: subprocess-result-ignored
    result = subprocess.run(["git", "describe"], capture_output=True, text=True)
    return result.stdout


def restart_checked(service):
    # ok: subprocess-result-ignored
    if subprocess.call(["systemctl", "restart", service]) != 0:
        raise RuntimeError(service)
