import os
import shlex
import subprocess

BACKUP_DIR = "/var/backups"


def backup(database, target_dir):
    # ruleid: shell-command-formatted
    os.system(f"pg_dump {database} > {target_dir}/dump.sql")


def archive(path):
    cmd = "tar czf /tmp/archive.tgz " + path
    # ruleid: shell-command-formatted
    subprocess.call(cmd, shell=True)


def compress(path):
    # ruleid: shell-command-formatted
    subprocess.run("gzip -9 {}".format(path), shell=True, check=True)


def backup_quoted(database, target_dir):
    # ok: shell-command-formatted
    os.system(f"pg_dump {shlex.quote(database)} > {shlex.quote(target_dir)}/dump.sql")


def archive_list(path):
    # ok: shell-command-formatted
    subprocess.run(["tar", "czf", "/tmp/archive.tgz", path], check=True)


def list_backups():
    # ok: shell-command-formatted
    os.system(f"ls -l {BACKUP_DIR}")
