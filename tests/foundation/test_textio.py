"""Decoding file bytes deliberately, and reading files without following links or opening special files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reviewbot.textio import UnsafePath, decode_source, read_regular_file, safe_path


def test_utf8_bom_is_removed() -> None:
    d = decode_source(b"\xef\xbb\xbfx = 'caf\xc3\xa9'\n")
    assert d.text == "x = 'café'\n" and d.encoding == "utf-8" and not d.lossy


def test_declared_encoding_is_honoured() -> None:
    d = decode_source("# -*- coding: latin-1 -*-\nx = 'café'\n".encode("latin-1"))
    assert d.text.endswith("x = 'café'\n") and d.encoding == "iso-8859-1" and not d.lossy


def test_undecodable_bytes_are_replaced_and_reported() -> None:
    d = decode_source(b"x = '\xff\xfe'\n")
    assert d.lossy and "\ufffd" in d.text


def test_unknown_declared_encoding_falls_back() -> None:
    d = decode_source(b"# coding: no-such-codec\nx = 1\n")
    assert d.text.endswith("x = 1\n")


def test_paths_that_escape_or_cross_links_are_refused(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.py").write_text("a = 1\n")
    os.symlink(tmp_path / "real", tmp_path / "link")
    os.symlink("/etc/hostname", tmp_path / "host.py")
    with pytest.raises(UnsafePath, match="leaves the repository"):
        safe_path(tmp_path, "../etc/passwd")
    with pytest.raises(UnsafePath, match="leaves the repository"):
        safe_path(tmp_path, "/etc/passwd")
    with pytest.raises(UnsafePath, match="inside a symlinked directory"):
        read_regular_file(tmp_path, "link/a.py")
    with pytest.raises(UnsafePath, match="symlink"):
        read_regular_file(tmp_path, "host.py")
    assert read_regular_file(tmp_path, "real/a.py") == b"a = 1\n"
    assert read_regular_file(tmp_path, "real/missing.py") is None


def test_special_and_huge_files_are_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.py")
    with pytest.raises(UnsafePath, match="not a regular file"):
        read_regular_file(tmp_path, "fifo.py")
    (tmp_path / "big.py").write_bytes(b"#" * 101)
    with pytest.raises(UnsafePath, match="too large"):
        read_regular_file(tmp_path, "big.py", limit=100)
