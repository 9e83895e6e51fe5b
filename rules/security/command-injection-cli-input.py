import argparse
import os
import shlex
import subprocess
import sys


def main():
    host = sys.argv[1]
    # ruleid: command-injection-cli-input
    os.system("ping -c 3 " + host)


def deploy():
    parser = argparse.ArgumentParser()
    parser.add_argument("--branch")
    args = parser.parse_args()
    # ruleid: command-injection-cli-input
    subprocess.run(f"git checkout {args.branch} && make deploy", shell=True, check=True)


def prompt():
    name = input("container name: ")
    # ruleid: command-injection-cli-input
    os.popen("docker logs " + name)


def main_quoted():
    host = sys.argv[1]
    # ok: command-injection-cli-input
    os.system("ping -c 3 " + shlex.quote(host))


def deploy_list():
    branch = os.environ.get("BRANCH", "main")
    # ok: command-injection-cli-input
    subprocess.run(["git", "checkout", branch], check=True)
