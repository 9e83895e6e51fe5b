import asyncio
import os
import shlex
import subprocess


def grep_logs(pattern):
    # ruleid: shell-command-process-call
    return subprocess.run(["bash", "-c", "grep " + pattern + " /var/log/app.log"], capture_output=True)


def grep_logs_bound(pattern):
    args = ["sh", "-c", f"grep {pattern} /var/log/app.log"]
    # ruleid: shell-command-process-call
    return subprocess.run(args, capture_output=True)


def reexec_in_shell(command):
    # ruleid: shell-command-process-call
    os.execve("/bin/bash", ["/bin/bash", "-c", command], os.environ)


def spawn_in_shell(command):
    # ruleid: shell-command-process-call
    os.spawnl(os.P_WAIT, "/bin/sh", "sh", "-c", command)


async def run_async(command, loop, protocol_factory):
    # ruleid: shell-command-process-call
    proc = await asyncio.create_subprocess_shell(command)
    # ruleid: shell-command-process-call
    transport, _ = await loop.subprocess_shell(protocol_factory, command)
    # ruleid: shell-command-process-call
    other = await asyncio.create_subprocess_exec("bash", "-lc", command)
    return proc, transport, other


def fixed_commands(path, loop, protocol_factory):
    # ok: shell-command-process-call
    subprocess.run(["bash", "-c", "ls -l /var/log | wc -l"], check=True)
    # ok: shell-command-process-call
    subprocess.run(["git", "-c", f"user.name={path}", "commit"], check=True)
    # ok: shell-command-process-call
    subprocess.run(["python3", "-c", "import sys; print(sys.version)"], check=True)
    # ok: shell-command-process-call
    asyncio.create_subprocess_shell("ls -l")
    # ok: shell-command-process-call
    loop.subprocess_shell(protocol_factory, "uptime")


def restart():
    # ok: shell-command-process-call
    os.execv(sys.executable, [sys.executable] + sys.argv)


def run_tool(tool, path):
    # ok: shell-command-process-call
    os.execvp(tool, [tool, path])
