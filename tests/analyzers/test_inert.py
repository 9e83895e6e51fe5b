"""Call-shape findings on inert data (analyzers/_inert.py): bandit's eval/exec, shell and SQL checks and the pack's
shape rules are not reported when the code, command or query is built only from constants, numbers, quoted or
allow-listed values; real bandit and semgrep on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewbot.analyzers._inert import CODE, COMMAND, DATA, MARKUP, SHELL, SQL, benign
from reviewbot.analyzers.bandit import Bandit, BanditOptions
from reviewbot.analyzers.base import AnalysisContext
from reviewbot.analyzers.semgrep import Semgrep
from reviewbot.models import AnalyzerResult, SourceFile
from tests.analyzers.support import changed, materialize

SAFE = '''\
import os
import shlex
import sqlite3
import subprocess

ALLOWED = {"status", "version"}
SETUP = "x = 1; x = x + 2"


def constants():
    eval("1 + 2")
    exec(SETUP)
    script = "import json"
    exec(script)


def numbers(raw):
    n = int(raw)
    eval(str(n) + " ** 2")
    conn = sqlite3.connect("app.db")
    return conn.execute("SELECT * FROM items WHERE id = %d" % n).fetchall()


def folded(raw):
    bar = raw
    if 7 * 18 > 100:
        bar = "safe"
    os.system("echo " + bar)
    value = "bob" if 500 / 42 + 196 > 200 else raw
    return sqlite3.connect("app.db").execute("SELECT * FROM users WHERE name = '" + value + "'")


def allow_listed(action, target):
    if action not in ALLOWED:
        return "no"
    os.system("service app " + action)
    if target not in ["/", "/home"]:
        target = "/"
    os.system("open " + target)


def quoted(host):
    return subprocess.check_output("ping -c 1 " + shlex.quote(host), shell=True)
'''

UNSAFE = '''\
import os
import sqlite3
import subprocess

ALLOWED = {"status", "version"}


def raw(code, host, name, action):
    eval(code)
    exec("result = " + code)
    os.system("ping " + host)
    subprocess.call("ls " + host, shell=True)
    if action in ALLOWED:
        pass
    os.system("service " + action)
    return sqlite3.connect("app.db").execute("SELECT * FROM users WHERE name = '" + name + "'")


def loop(items):
    cmd = "ls"
    for item in items:
        os.system(cmd)
        cmd = "ls " + item


def branch(value):
    if 1 > 2:
        value = "never"
    eval(value)
'''


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> AnalyzerResult:
    work = tmp_path_factory.mktemp("inert") / "tree"
    files = [changed("app/safe.py", SAFE), changed("app/unsafe.py", UNSAFE)]
    materialize(work, files)
    return Bandit().analyze(files, AnalysisContext(work, BanditOptions()))


def flagged(res: AnalyzerResult, path: str) -> list[tuple[int, str]]:
    keep = {"B102", "B307", "B602", "B605", "B608"}
    return sorted((f.line, f.rule_id) for f in res.findings if f.path == path and f.rule_id in keep)


def test_inert_calls_are_not_reported(result: AnalyzerResult) -> None:
    assert flagged(result, "app/safe.py") == []
    assert any(n.startswith("app/safe.py: ") and "built only from constants" in n for n in result.notes)


def test_outside_data_stays_flagged(result: AnalyzerResult) -> None:
    assert flagged(result, "app/unsafe.py") == [
        (9, "B307"), (10, "B102"), (11, "B605"), (12, "B602"), (15, "B605"), (16, "B608"), (22, "B605"),
        (29, "B307"),
    ]


def _analyze(adapter: Bandit | Semgrep, tmp_path: Path, files: list[SourceFile]) -> AnalyzerResult:
    """``adapter`` run for real, with its default options, on ``files`` written into a tree under ``tmp_path``."""
    work = tmp_path / "tree"
    materialize(work, files)
    return adapter.analyze(files, AnalysisContext(work, adapter.Options()))


def test_the_shape_rules_of_the_pack_skip_inert_queries(tmp_path: Path) -> None:
    res = _analyze(Semgrep(), tmp_path, [changed("app/safe.py", SAFE), changed("app/unsafe.py", UNSAFE)])
    shape = {"sqli-string-format", "shell-command-formatted"}
    hits = sorted((f.path, f.line, f.rule_id) for f in res.findings if f.rule_id in shape)
    assert hits == [("app/unsafe.py", 11, "shell-command-formatted"), ("app/unsafe.py", 12, "shell-command-formatted"),
                    ("app/unsafe.py", 15, "shell-command-formatted"), ("app/unsafe.py", 16, "sqli-string-format")]


@pytest.mark.parametrize(
    ("text", "kind", "line", "expected"),
    [
        ("eval('1')\n", CODE, 1, True),
        ("eval(f'x = {1}')\n", CODE, 1, True),
        ("eval(x)\n", CODE, 1, False),
        ("def f(x):\n    x = 'a'\n    eval(x)\n", CODE, 3, True),
        ("def f(x):\n    eval(x)\n    x = 'a'\n", CODE, 2, False),
        ("def f(x):\n    y = x.strip()\n    eval(y)\n", CODE, 3, False),
        ("def f(x):\n    if x:\n        y = 'a'\n    else:\n        y = x\n    eval(y)\n", CODE, 6, False),
        ("def f(x):\n    if x:\n        y = 'a'\n    else:\n        y = 'b'\n    eval(y)\n", CODE, 6, True),
        ("def f(x):\n    try:\n        y = 'a'\n    except E:\n        y = x\n    eval(y)\n", CODE, 6, False),
        ("def f(x):\n    with open(x) as y:\n        eval(y)\n", CODE, 3, False),
        ("import shlex\ndef f(x):\n    os.system('a ' + shlex.quote(x))\n", SHELL, 3, True),
        ("import shlex\ndef f(x):\n    eval('a ' + shlex.quote(x))\n", CODE, 3, False),  # quoting is for shells
        ("subprocess.run(['ls', '-l'])\n", SHELL, 1, True),
        ("subprocess.run(['ls', x])\n", SHELL, 1, False),
        ("q = 'SELECT ' + ', '.join(['a', 'b']) + ' FROM t'\n", SQL, 1, True),
        ("q = 'SELECT * FROM t WHERE a = ' + a\n", SQL, 1, False),
        ("def f(:\n", CODE, 1, False),
        ("pickle.loads(b'\\x80\\x04K\\x01.')\n", DATA, 1, True),
        ("pickle.loads(data)\n", DATA, 1, False),
        ("pickle.load(open('cache/index.pkl', 'rb'))\n", DATA, 1, True),
        ("pickle.load(open(path, 'rb'))\n", DATA, 1, False),
        ("yaml.load(stream, Loader=yaml.BaseLoader)\n", DATA, 1, True),
        ("yaml.load(stream, Loader=yaml.Loader)\n", DATA, 1, False),
        ("jsonpickle.decode('{}')\n", DATA, 1, True),
        ("pickle.loads(base64.b64decode(cookie))\n", DATA, 1, False),
        ("buf = io.BytesIO()\nbuf.write(blob)\npickle.load(buf)\n", DATA, 3, False),
        ("mark_safe('<br>')\n", MARKUP, 1, True),
        ("mark_safe('<br>'.join(['a', 'b']))\n", MARKUP, 1, True),
        ("mark_safe('<br>'.join(items))\n", MARKUP, 1, False),
        ("def f(x):\n    return Markup(f'<b>{x}</b>')\n", MARKUP, 2, False),
        # the command a shell is given: after `-c`, or asyncio's subprocess_shell/create_subprocess_shell argument
        ("import shlex\ndef f(x):\n    subprocess.run(['bash', '-c', 'grep ' + shlex.quote(x)])\n", COMMAND, 3, True),
        ("def f(x):\n    subprocess.run(['bash', '-c', 'grep ' + x])\n", COMMAND, 2, False),
        ("CMD = 'ls -l'\nos.execl('/bin/sh', 'sh', '-c', CMD)\n", COMMAND, 2, True),
        ("def f(x):\n    os.execl('/bin/sh', 'sh', '-c', x)\n", COMMAND, 2, False),
        ("def f(x):\n    os.spawnve(os.P_WAIT, '/bin/sh', ['-c', f'ls {int(x)}'], os.environ)\n", COMMAND, 2, True),
        ("def f(loop, p):\n    cmd = 'uptime'\n    loop.subprocess_shell(p, cmd)\n", COMMAND, 3, True),
        ("def f(loop, p, cmd):\n    loop.subprocess_shell(p, cmd)\n", COMMAND, 2, False),
        ("def f(x):\n    c = 'ls'\n    loop.run_until_complete(asyncio.create_subprocess_shell(c))\n", COMMAND, 3, True),
        ("def f(x):\n    loop.run_until_complete(asyncio.create_subprocess_shell(x))\n", COMMAND, 2, False),
        ("def f(x):\n    a = ['sh', '-c', 'ls ' + shlex.quote(x)]\n    subprocess.run(a)\n", COMMAND, 3, True),
        ("def f(x):\n    a = ['sh', '-c', 'ls ' + x]\n    subprocess.run(a)\n", COMMAND, 3, False),
        # a list bound in another function does not count
        ("def g():\n    a = ['sh', '-c', 'ls']\ndef f(a):\n    subprocess.run(a)\n", COMMAND, 4, False),
    ],
)
def test_what_is_inert(text: str, kind: str, line: int, expected: bool) -> None:
    assert ((kind, line) in benign(text, [(kind, line)])) is expected


DESERIALIZE = '''\
import pickle

import yaml


def fixed():
    table = pickle.load(open("data/table.pkl", "rb"))
    config = yaml.load(open("config.yml"), Loader=yaml.BaseLoader)
    return table, config, pickle.loads(b"\\x80\\x04K\\x01.")


def outside(blob, stream):
    return pickle.loads(blob), yaml.load(stream, Loader=yaml.Loader)
'''


def test_deserializing_the_programs_own_data_is_not_reported(tmp_path: Path) -> None:
    res = _analyze(Bandit(), tmp_path, [changed("app/load.py", DESERIALIZE)])
    hits = sorted((f.line, f.rule_id) for f in res.findings if f.rule_id in {"B301", "B506"})
    assert hits == [(13, "B301"), (13, "B506")]
    assert any("deserialization" in n for n in res.notes)


C_PICKLE = '''\
import _pickle as cPickle


def fixed():
    return cPickle.load(open("data/table.pkl", "rb")), cPickle.loads(b"\\x80\\x04K\\x01.")


def outside(headers):
    return cPickle.loads(headers["Token"])
'''


def test_the_pack_s_c_pickle_rule_skips_the_programs_own_data(tmp_path: Path) -> None:
    res = _analyze(Semgrep(), tmp_path, [changed("app/load.py", C_PICKLE)])
    hits = sorted(f.line for f in res.findings if f.rule_id == "pickle-c-module-load")
    assert hits == [9]


MARK_SAFE = '''\
from django.utils.safestring import SafeString, mark_safe
from markupsafe import Markup

ICON = "<i class='icon'></i>"


def fixed():
    banner = mark_safe(
        """
        <div class="banner"><p>Welcome!</p></div>
        """
    )
    return banner, SafeString(ICON + "<br>"), Markup("<b>{}</b>".format("new"))


def outside(name):
    return mark_safe("<p>Hello %s</p>" % name), SafeString(name), Markup(f"<b>{name}</b>")
'''


def test_marking_the_programs_own_markup_safe_is_not_reported(tmp_path: Path) -> None:
    res = _analyze(Bandit(), tmp_path, [changed("app/views.py", MARK_SAFE)])
    hits = sorted((f.line, f.rule_id) for f in res.findings if f.rule_id in {"B308", "B703", "B704"})
    assert hits and {line for line, _ in hits} == {17}
    assert any("mark-safe" in n for n in res.notes)


SHELLS = '''\
import asyncio
import os
import shlex
import subprocess

LISTING = "ls -l /var/log"


def fixed(path, loop, factory):
    subprocess.run(["bash", "-c", "grep error " + shlex.quote(path)], check=True)
    os.execl("/bin/sh", "sh", "-c", LISTING)
    command = "uptime"
    return loop.subprocess_shell(factory, command)


def outside(path, loop, factory, command):
    subprocess.run(["bash", "-c", "grep error " + path], check=True)
    args = ["sh", "-c", f"tar czf /tmp/out.tgz {path}"]
    subprocess.run(args, check=True)
    return asyncio.create_subprocess_shell(command)
'''


def test_the_pack_s_shell_process_call_rule_skips_constant_commands_and_test_files(tmp_path: Path) -> None:
    """Constant and quoted commands are dropped; like the pack's other call-shape rules, the rule is not run on test
    files, where the command is the test's own."""
    res = _analyze(Semgrep(), tmp_path, [changed("tests/test_shells.py", SHELLS), changed("app/shells.py", SHELLS)])
    hits = sorted((f.path, f.line) for f in res.findings if f.rule_id == "shell-command-process-call")
    assert hits == [("app/shells.py", 17), ("app/shells.py", 19), ("app/shells.py", 20)]
