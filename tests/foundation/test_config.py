"""Config: discovery (closest wins), precedence (CLI > env > file > defaults), and errors that name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewbot import config
from reviewbot.errors import ConfigError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path: Path) -> None:
    s = config.load(start=tmp_path, stop=tmp_path, environ={})
    assert s.config_path is None
    assert s.file.filter == "added"
    assert s.file.fail_on == "error"
    assert s.file.max_comments == 10


def test_closest_file_wins_and_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.reviewbot]\nmax-comments = 3\n")
    _write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'x'\n")  # no table: skipped
    _write(tmp_path / "pkg" / "sub" / ".reviewbot.toml", "max-comments = 7\n")
    s = config.load(start=tmp_path / "pkg", stop=tmp_path, environ={})
    assert s.config_path == tmp_path / "pyproject.toml"
    assert s.file.max_comments == 3
    s = config.load(start=tmp_path / "pkg" / "sub", stop=tmp_path, environ={})
    assert s.config_path == tmp_path / "pkg" / "sub" / ".reviewbot.toml"
    assert s.file.max_comments == 7


def test_reviewbot_toml_beats_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.reviewbot]\nfilter = 'file'\n")
    _write(tmp_path / ".reviewbot.toml", "filter = 'diff_context'\n")
    assert config.load(start=tmp_path, stop=tmp_path, environ={}).file.filter == "diff_context"


def test_discovery_stops_at_the_repository_root(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.reviewbot]\nmax-comments = 1\n")
    (tmp_path / "repo").mkdir()
    s = config.load(start=tmp_path / "repo", stop=tmp_path / "repo", environ={})
    assert s.config_path is None


def test_precedence_cli_over_env_over_file(tmp_path: Path) -> None:
    _write(tmp_path / ".reviewbot.toml", "fail-on = 'info'\nmax-comments = 4\nfilter = 'file'\n")
    env = {"REVIEWBOT_FAIL_ON": "warning", "REVIEWBOT_MAX_COMMENTS": "5"}
    s = config.load(start=tmp_path, stop=tmp_path, environ=env, cli={"max-comments": 6, "filter": None})
    assert s.file.fail_on == "warning"  # env beats file
    assert s.file.max_comments == 6  # CLI beats env
    assert s.file.filter == "file"  # unset CLI value does not override


def test_env_lists_are_comma_separated(tmp_path: Path) -> None:
    s = config.load(start=tmp_path, stop=tmp_path, environ={"REVIEWBOT_EXCLUDE": "tests/*, docs/*"})
    assert s.file.exclude == ("tests/*", "docs/*")


def test_unknown_key_names_file_and_key_path(tmp_path: Path) -> None:
    path = _write(tmp_path / "pyproject.toml", "[tool.reviewbot]\nmax-coments = 3\n")
    with pytest.raises(ConfigError) as exc:
        config.load(start=tmp_path, stop=tmp_path, environ={})
    assert str(exc.value) == f"{path}: unknown key 'tool.reviewbot.max-coments'"


def test_bad_value_names_file_key_and_value(tmp_path: Path) -> None:
    path = _write(tmp_path / ".reviewbot.toml", "fail-on = 'sometimes'\n")
    with pytest.raises(ConfigError) as exc:
        config.load(start=tmp_path, stop=tmp_path, environ={})
    message = str(exc.value)
    assert message.startswith(f"{path}: fail-on: ")
    assert "'sometimes'" in message


def test_nested_unknown_key_in_llm_table(tmp_path: Path) -> None:
    _write(tmp_path / ".reviewbot.toml", "[llm]\nprovider = 'openai'\ntemprature = 0.2\n")
    with pytest.raises(ConfigError, match=r"unknown key 'llm\.temprature'"):
        config.load(start=tmp_path, stop=tmp_path, environ={})


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    path = _write(tmp_path / ".reviewbot.toml", "max-comments = = 3\n")
    with pytest.raises(ConfigError, match=rf"^{path}: invalid TOML"):
        config.load(start=tmp_path, stop=tmp_path, environ={})


def test_bad_env_value_is_blamed_on_the_environment(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^environment variable REVIEWBOT_MAX_COMMENTS: Input should be a valid integer"):
        config.load(start=tmp_path, stop=tmp_path, environ={"REVIEWBOT_MAX_COMMENTS": "many"})


def test_unknown_analyzer_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path / ".reviewbot.toml", "analyzers = ['flake9']\n")
    with pytest.raises(ConfigError, match=r"unknown analyzer 'flake9'"):
        config.load(start=tmp_path, stop=tmp_path, environ={})


def test_explicit_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        config.load(start=tmp_path, config_path=tmp_path / "nope.toml", environ={})


def test_settings_are_frozen(tmp_path: Path) -> None:
    s = config.load(start=tmp_path, stop=tmp_path, environ={})
    with pytest.raises(Exception):
        s.file.max_comments = 99  # type: ignore[misc]


def test_hook_analyzers_default_to_the_fast_ones_among_the_enabled(tmp_path: Path) -> None:
    from reviewbot import analyzers

    s = config.load(start=tmp_path, stop=tmp_path, environ={})
    assert s.enabled_analyzers == analyzers.DEFAULT_ENABLED  # the full set, as before
    assert s.hook_analyzers == analyzers.HOOK_DEFAULT == ("facts", "bandit")
    assert s.for_hook().enabled_analyzers == ("facts", "bandit")
    _write(tmp_path / ".reviewbot.toml", "analyzers = ['bandit', 'radon', 'pylint']\n")
    s = config.load(start=tmp_path, stop=tmp_path, environ={})
    assert s.for_hook().enabled_analyzers == ("bandit",)  # `analyzers` narrows the hook, never widens it
    assert s.enabled_analyzers == ("bandit", "radon", "pylint")


def test_hook_analyzers_key_and_env(tmp_path: Path) -> None:
    _write(tmp_path / ".reviewbot.toml", "analyzers = ['bandit']\nhook-analyzers = ['bandit', 'pylint']\n")
    s = config.load(start=tmp_path, stop=tmp_path, environ={})
    assert s.for_hook().enabled_analyzers == ("bandit", "pylint")
    assert s.enabled_analyzers == ("bandit",)  # what a review without --hook runs
    s = config.load(start=tmp_path, stop=tmp_path, environ={"REVIEWBOT_HOOK_ANALYZERS": "radon, facts"})
    assert s.for_hook().enabled_analyzers == ("radon", "facts")


def test_unknown_hook_analyzer_names_file_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path / "pyproject.toml", "[tool.reviewbot]\nhook-analyzers = ['flake9']\n")
    with pytest.raises(ConfigError) as exc:
        config.load(start=tmp_path, stop=tmp_path, environ={})
    assert str(exc.value).startswith(f"{path}: tool.reviewbot.hook-analyzers: unknown analyzer 'flake9'")
    path.unlink()
    with pytest.raises(ConfigError, match=r"^environment variable REVIEWBOT_HOOK_ANALYZERS: unknown analyzer 'x'"):
        config.load(start=tmp_path, stop=tmp_path, environ={"REVIEWBOT_HOOK_ANALYZERS": "x"})
