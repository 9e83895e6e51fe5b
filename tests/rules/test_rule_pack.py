"""Tests for reviewbot's semgrep rule pack (rules/).

* `semgrep --test rules/` must pass: every `# ruleid:` line is flagged, no `# ok:` line is, and
  every `<rule-id>.fixed.py` matches the autofix output;
* the whole pack loads offline without config errors;
* the pack has >= 60 rules (>= 40 security), each with the required metadata and a test file
  with at least two positive and two negative cases;
* docs/rules.md is up to date with the pack.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "rules"
DOC_SCRIPT = ROOT / "scripts" / "gen_rules_doc.py"
SEMGREP_FLAGS = ["--metrics=off", "--disable-version-check"]
REQUIRED_METADATA = ("cwe", "confidence", "likelihood", "impact", "category", "references", "short",
                     "false-negatives")
CONFIDENCE = {"HIGH", "MEDIUM", "LOW"}
SEVERITY = {"ERROR", "WARNING", "INFO"}
CATEGORIES = {"security", "correctness", "maintainability"}
RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CWE_ENTRY = re.compile(r"^CWE-\d+: .+")


def _semgrep() -> str | None:
    candidate = Path(sys.executable).parent / "semgrep"
    if candidate.exists():
        return str(candidate)
    return shutil.which("semgrep")


SEMGREP = _semgrep()
needs_semgrep = pytest.mark.skipif(SEMGREP is None, reason="semgrep is not installed")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    env["SEMGREP_SEND_METRICS"] = "off"
    return env


def _rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*/*.yaml"))


def _rules() -> list[tuple[Path, dict]]:
    out = []
    for path in _rule_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in data["rules"]:
            out.append((path, rule))
    return out


RULES = _rules()


def test_pack_size():
    ids = [rule["id"] for _, rule in RULES]
    assert len(ids) == len(set(ids)), "duplicate rule ids"
    security = [r for _, r in RULES if r["metadata"]["category"] == "security"]
    assert len(RULES) >= 60, f"only {len(RULES)} rules"
    assert len(security) >= 40, f"only {len(security)} security rules"


def test_one_rule_per_file_named_after_it():
    for path in _rule_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert len(data["rules"]) == 1, f"{path}: expected exactly one rule"
        assert data["rules"][0]["id"] == path.stem, f"{path}: rule id must match the file name"


@pytest.mark.parametrize("path,rule", RULES, ids=[r["id"] for _, r in RULES])
def test_rule_metadata(path, rule):
    assert RULE_ID.match(rule["id"]), "rule ids are kebab-case"
    assert rule["languages"] == ["python"]
    assert rule["severity"] in SEVERITY
    assert len(rule["message"].split()) >= 8, "message should say what, why and how to fix"
    meta = rule["metadata"]
    missing = [key for key in REQUIRED_METADATA if not meta.get(key)]
    assert not missing, f"missing metadata: {missing}"
    assert isinstance(meta["cwe"], list) and all(CWE_ENTRY.match(c) for c in meta["cwe"])
    assert meta["confidence"] in CONFIDENCE
    assert meta["likelihood"] in CONFIDENCE
    assert meta["impact"] in CONFIDENCE
    assert meta["category"] in CATEGORIES
    assert isinstance(meta["references"], list) and meta["references"]
    assert isinstance(meta["short"], str) and "\n" not in meta["short"]
    if meta["category"] == "security":
        assert meta.get("subcategory") and set(meta["subcategory"]) <= {"vuln", "audit"}
        assert isinstance(meta.get("owasp", []), list)
    if "fix" in rule or "fix-regex" in rule:
        assert path.with_name(f"{rule['id']}.fixed.py").exists(), "rules with a fix need a .fixed.py test"


@pytest.mark.parametrize("path,rule", RULES, ids=[r["id"] for _, r in RULES])
def test_rule_has_test_cases(path, rule):
    test_file = path.with_suffix(".py")
    assert test_file.exists(), f"missing test file {test_file.name}"
    text = test_file.read_text(encoding="utf-8")
    positives = len(re.findall(rf"#\s*ruleid:\s*{re.escape(rule['id'])}\b", text))
    negatives = len(re.findall(rf"#\s*ok:\s*{re.escape(rule['id'])}\b", text))
    assert positives >= 2, f"{test_file.name}: {positives} '# ruleid:' cases (need >= 2)"
    assert negatives >= 2, f"{test_file.name}: {negatives} '# ok:' cases (need >= 2)"
    # the files are shipped inside the package and byte-compiled on install; the code they hold is what the
    # rules flag, so the interpreter's own SyntaxWarnings about it (`x is "a"`, `assert (x, "msg")`) are expected
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        compile(text, str(test_file), "exec")


def test_docs_up_to_date():
    spec = importlib.util.spec_from_file_location("gen_rules_doc", DOC_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render(module.load_rules(RULES_DIR))
    current = module.DOC_PATH.read_text(encoding="utf-8") if module.DOC_PATH.exists() else ""
    assert current == expected, "docs/rules.md is stale: run `python scripts/gen_rules_doc.py`"


@needs_semgrep
def test_pack_loads_offline_without_config_errors(tmp_path):
    # `semgrep --validate` fetches its lint rules from the registry, so it cannot run offline; loading the whole
    # pack for a scan of an empty file parses and checks every rule the same way the analyzer does.
    target = tmp_path / "empty.py"
    target.write_text("", encoding="utf-8")
    proc = subprocess.run(
        [SEMGREP, "scan", *SEMGREP_FLAGS, "--json", "--config", str(RULES_DIR), str(target)],
        capture_output=True, text=True, env=_env(), cwd=tmp_path, timeout=300, check=False,
    )
    assert proc.returncode == 0, f"semgrep could not load the pack:\n{proc.stdout[-5000:]}\n{proc.stderr[-5000:]}"
    assert json.loads(proc.stdout)["errors"] == []


@needs_semgrep
def test_semgrep_rule_tests():
    proc = subprocess.run(
        [SEMGREP, "scan", "--test", *SEMGREP_FLAGS, str(RULES_DIR)],
        capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=600, check=False,
    )
    output = proc.stdout + proc.stderr
    summary = [line for line in output.splitlines() if re.search(r"\d+/\d+: ", line)]
    assert proc.returncode == 0, "semgrep --test failed:\n" + output[-20000:]
    assert summary and all("All tests passed" in line or "All fix tests passed" in line for line in summary), \
        "semgrep --test reported failures:\n" + output[-20000:]


def _sync_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("sync_taint_sources", ROOT / "scripts" / "sync_taint_sources.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_web_taint_rules_share_one_source_block() -> None:
    sync = _sync_script()
    assert len(sync.sharing(RULES_DIR)) >= 15
    assert sync.stale(RULES_DIR, sync.CANONICAL) == [], "run `python scripts/sync_taint_sources.py`"


def test_a_drifted_copy_is_found_and_rewritten(tmp_path: Path) -> None:
    sync = _sync_script()
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    canonical = rules / "security" / "sql-injection.yaml"
    drifted = rules / "security" / "ssrf.yaml"
    before = drifted.read_text(encoding="utf-8")
    drifted.write_text(before.replace("|view_args|", "|"), encoding="utf-8")
    assert sync.stale(rules, canonical) == [drifted]
    assert sync.sync(rules, canonical) == [drifted]
    assert drifted.read_text(encoding="utf-8") == before
