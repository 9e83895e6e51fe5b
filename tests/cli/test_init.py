"""`reviewbot init`: a commented starter config, never clobbering what exists."""

from __future__ import annotations

import sys

from reviewbot import config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = (
    "# my project\n"
    "[project]\n"
    'name = "demo"   # keep this comment\n'
    "\n"
    "[tool.ruff]\n"
    "line-length = 100\n"
)


def test_appends_to_pyproject_keeping_every_byte(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    r = cli(tmp_path, "init")
    assert r.code == 0, r
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith(PYPROJECT)
    assert "\n[tool.reviewbot]\n" in text and "# Exit 1" in text
    settings = config.load(start=tmp_path, environ={})
    assert settings.config_path == tmp_path / "pyproject.toml"
    assert settings.file.fail_on == "error" and settings.file.filter == "added"
    assert not (tmp_path / ".reviewbot.toml").exists()
    assert "wrote a starter config to pyproject.toml" in r.out


def test_existing_table_is_refused_without_force(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    original = PYPROJECT + "\n[tool.reviewbot]\nfail-on = \"warning\"  # mine\n\n[tool.reviewbot.llm]\nmodel = \"x\"\n" \
        "\n[tool.black]\nline-length = 99\n"
    (tmp_path / "pyproject.toml").write_text(original)
    r = cli(tmp_path, "init")
    assert r.code == 2
    assert r.err.strip().count("\n") == 0 and "already has a [tool.reviewbot] table" in r.err and "--force" in r.err
    assert (tmp_path / "pyproject.toml").read_text() == original
    r = cli(tmp_path, "init", "--force")
    assert r.code == 0, r
    text = (tmp_path / "pyproject.toml").read_text()
    data = tomllib.loads(text)
    assert data["tool"]["black"] == {"line-length": 99} and data["tool"]["ruff"] == {"line-length": 100}
    assert data["tool"]["reviewbot"] == {"fail-on": "error", "filter": "added"}
    assert text.startswith(PYPROJECT) and "# mine" not in text


def test_force_refuses_a_table_it_cannot_cut_out(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    original = '[tool]\nreviewbot = { fail-on = "info" }\n'
    (tmp_path / "pyproject.toml").write_text(original)
    r = cli(tmp_path, "init", "--force")
    assert r.code == 2 and "by hand" in r.err
    assert (tmp_path / "pyproject.toml").read_text() == original


def test_dotfile_when_there_is_no_pyproject_and_crlf_is_kept(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(tmp_path, "init")
    assert r.code == 0
    assert config.load(start=tmp_path, environ={}).config_path == tmp_path / ".reviewbot.toml"
    assert cli(tmp_path, "init").code == 2  # exists
    assert cli(tmp_path, "init", "--force").code == 0
    crlf = tmp_path / "crlf"
    crlf.mkdir()
    (crlf / "pyproject.toml").write_bytes(b"[project]\r\nname = 'x'")  # no final newline
    assert cli(crlf, "init").code == 0
    data = (crlf / "pyproject.toml").read_bytes()
    assert data.startswith(b"[project]\r\nname = 'x'\r\n\r\n[tool.reviewbot]\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_invalid_pyproject_is_not_touched(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text("[project\n")
    r = cli(tmp_path, "init")
    assert r.code == 2 and "invalid TOML" in r.err
    assert (tmp_path / "pyproject.toml").read_text() == "[project\n"


def test_dotfile_flag_next_to_a_pyproject(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    r = cli(tmp_path, "init", "--dotfile")
    assert r.code == 0 and (tmp_path / ".reviewbot.toml").is_file()
    assert (tmp_path / "pyproject.toml").read_text() == PYPROJECT


def test_every_commented_example_is_valid_when_uncommented(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import re

    from reviewbot import analyzers
    from reviewbot.commands.init import starter

    for kind, name in (("pyproject", "pyproject.toml"), ("dotfile", ".reviewbot.toml")):
        text = starter(kind, tuple(analyzers.DEFAULT_ENABLED))
        live = re.sub(r"(?m)^# ((?:[a-z-]+ = |\[).*)$", r"\1", text)
        assert live != text
        (tmp_path / name).write_text(live)
        settings = config.load(start=tmp_path, config_path=tmp_path / name, environ={})
        assert settings.file.llm.provider == "openai" and settings.file.max_comments == 10
