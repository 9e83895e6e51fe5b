"""Security-detection benchmark of reviewbot's static path (issue 14).

Runs ``reviewbot review --all-files --format json`` (bandit + semgrep with our rule pack, the discriminator and its
threshold: what a user would see) on a temporary git repository of labelled cases and prints, per category, the true
positive rate, the false positive rate and the Youden index (TPR - FPR), their mean over categories, and the same
numbers for a train and a held-out split (a fixed hash of the case id puts about 30 % of the cases in held-out).

A case counts as flagged for its category when a published comment in it (or, for line-annotated cases, on the
annotated line) carries the category's standard CWE (``exact``) or an equivalent one (``equiv``).

Case sources:

* ``own``: bench/security/cases/<category>/*.py, each starting with
  ``# bench: expected=vulnerable|safe cwe=<standard CWE>``; small Flask/Django/stdlib functions written for this
  benchmark (true and false variants per category);
* ``semgrep-rules``: the ``# ruleid:``/``# ok:`` annotated tests of github:semgrep/semgrep-rules's python/ rules whose
  CWE falls in a category (one case per annotated line), read from a bare git snapshot (``--semgrep-rules GITDIR``);
* ``securityeval``: github:s2e-lab/SecurityEval's Testcases_Insecure_Code for our CWEs (all vulnerable, one case per
  file; ``--securityeval GITDIR``);
* ``bandit``: a few files of bandit's examples/ folder (all vulnerable; ``--bandit-examples DIR`` of an unpacked
  bandit sdist, ``pip download --no-binary :all: --no-deps bandit``).

A missing snapshot is skipped with a note. Nothing of the external sets is stored in this repository: they are read
from the snapshots at bench time.

Usage::

    python bench/security.py [--sources own,semgrep-rules,securityeval,bandit] [--analyzers bandit,semgrep]
                             [--show-misses [all|train|heldout]] [--json OUT]

Tune only on ``--show-misses train``; quote the held-out numbers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "bench" / "security" / "cases"
MIRROR = Path("/work/.mirror")

# category -> (standard CWE, equivalent CWEs)
CATEGORIES: dict[str, tuple[int, frozenset[int]]] = {
    "cmdi": (78, frozenset({78, 77, 88})),
    "codeinj": (94, frozenset({94, 95})),
    "sqli": (89, frozenset({89, 564})),
    "ldapi": (90, frozenset({90})),
    "xpathi": (643, frozenset({643})),
    "pathtraver": (22, frozenset({22, 23, 36, 73})),
    "redirect": (601, frozenset({601})),
    "xss": (79, frozenset({79, 80, 83})),
    "xxe": (611, frozenset({611, 776, 827})),
    "deserialization": (502, frozenset({502})),
    "trustbound": (501, frozenset({501})),
    "securecookie": (614, frozenset({614, 1004, 315})),
    "hash": (328, frozenset({328, 327, 916, 759})),
    "weakrand": (330, frozenset({330, 338})),
}
BY_CWE = {cwe: cat for cat, (_, eq) in CATEGORIES.items() for cwe in eq}
_HEADER = re.compile(r"^# bench: expected=(vulnerable|safe) cwe=(\d+)")
_ANNOT = re.compile(r"#\s*(ruleid|ok|todoruleid|todook)\s*:\s*([\w.,\s-]+)")


@dataclass(frozen=True)
class Case:
    source: str
    ident: str  # unique; also the split key
    category: str
    vulnerable: bool
    path: str  # inside the scratch repo
    line: int | None  # None: the whole file

    @property
    def heldout(self) -> bool:
        return hashlib.sha1(self.ident.encode()).digest()[0] % 10 < 3


def own_cases(files: dict[str, str]) -> list[Case]:
    out = []
    for path in sorted(CASES.glob("*/*.py")):
        text = path.read_text(encoding="utf-8")
        m = _HEADER.match(text)
        if m is None or path.parent.name not in CATEGORIES:
            raise SystemExit(f"{path}: needs a '# bench: expected=... cwe=...' header and a category folder")
        rel = f"own/{path.parent.name}/{path.name}"
        files[rel] = text
        out.append(Case("own", rel, path.parent.name, m.group(1) == "vulnerable", rel, None))
    return out


def _git(gitdir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(gitdir), *args], check=True, capture_output=True,
                          text=True).stdout


def semgrep_rules_cases(gitdir: Path, files: dict[str, str]) -> list[Case]:
    import yaml

    names = _git(gitdir, "ls-tree", "-r", "--name-only", "HEAD", "python/").split()
    out = []
    for name in names:
        if not name.endswith((".yaml", ".yml")) or "/deprecated/" in name:
            continue
        test = re.sub(r"\.ya?ml$", ".py", name)
        if test not in names:
            continue
        try:
            rules = yaml.safe_load(_git(gitdir, "show", f"HEAD:{name}"))["rules"]
        except Exception:  # noqa: BLE001 - a broken upstream file is skipped
            continue
        cats = {}
        for rule in rules:
            cwes = rule.get("metadata", {}).get("cwe", [])
            cwes = cwes if isinstance(cwes, list) else [cwes]
            found = [BY_CWE[int(c)] for c in re.findall(r"CWE-(\d+)", " ".join(map(str, cwes))) if int(c) in BY_CWE]
            if found:
                cats[rule["id"]] = found[0]
        if not cats:
            continue
        text = _git(gitdir, "show", f"HEAD:{test}")
        rel = "semgrep-rules/" + test
        lines = text.splitlines()
        added = False
        for i, line in enumerate(lines, start=1):
            m = _ANNOT.search(line)
            if m is None or m.group(1).startswith("todo"):
                continue
            ids = {x.strip() for x in m.group(2).split(",")}
            hit = [cats[i_] for i_ in ids if i_ in cats]
            if not hit:
                continue
            target = i if line.split("#")[0].strip() else i + 1
            while target <= len(lines) and lines[target - 1].strip().startswith("#"):
                target += 1
            out.append(Case("semgrep-rules", f"{rel}:{target}", hit[0], m.group(1) == "ruleid", rel, target))
            added = True
        if added:
            files[rel] = text
    return out


def securityeval_cases(gitdir: Path, files: dict[str, str]) -> list[Case]:
    out = []
    for name in _git(gitdir, "ls-tree", "-r", "--name-only", "HEAD", "Testcases_Insecure_Code/").split():
        m = re.match(r"Testcases_Insecure_Code/CWE-0*(\d+)/.*\.py$", name)
        if m is None or int(m.group(1)) not in BY_CWE:
            continue
        rel = "securityeval/" + name.split("/", 1)[1]
        files[rel] = _git(gitdir, "show", f"HEAD:{name}")
        out.append(Case("securityeval", rel, BY_CWE[int(m.group(1))], True, rel, None))
    return out


BANDIT_EXAMPLES = {
    "subprocess_shell.py": "cmdi", "os_system.py": "cmdi", "popen_wrappers.py": "cmdi", "eval.py": "codeinj",
    "exec.py": "codeinj", "sql_statements.py": "sqli", "pickle_deserialize.py": "deserialization",
    "dill.py": "deserialization", "marshal_deserialize.py": "deserialization", "yaml_load.py": "deserialization",
    "xml_etree_elementtree.py": "xxe", "xml_minidom.py": "xxe", "xml_sax.py": "xxe", "xml_lxml.py": "xxe",
    "hashlib_new_insecure_functions.py": "hash", "crypto-md5.py": "hash", "random_module.py": "weakrand",
    "jinja2_templating.py": "xss", "mark_safe_insecure.py": "xss",
}


def bandit_cases(folder: Path, files: dict[str, str]) -> list[Case]:
    out = []
    for name, cat in sorted(BANDIT_EXAMPLES.items()):
        path = folder / name
        if path.is_file():
            rel = "bandit/" + name
            files[rel] = path.read_text(encoding="utf-8", errors="replace")
            out.append(Case("bandit", rel, cat, True, rel, None))
    return out


def run_review(files: dict[str, str], analyzers: str, posted_only: bool = False) -> tuple[list[dict], float]:
    """The comments of one review of all case files: every comment that clears the threshold, as the SARIF and JSON
    record carry them (the budget is lifted, so the only ones not posted are repeats: the same rule on identical
    code in one file is posted once, naming the other lines); ``posted_only``: the posted comments alone."""
    with tempfile.TemporaryDirectory(prefix="reviewbot-secbench-") as tmp:
        repo = Path(tmp)
        for rel, text in files.items():
            target = repo / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        (repo / ".reviewbot.toml").write_text(
            "max-comments = 100000\nmax-comments-per-file = 100000\n", encoding="utf-8")
        env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.invalid", GIT_COMMITTER_NAME="b",
                   GIT_COMMITTER_EMAIL="b@example.invalid")
        for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "cases"]):
            subprocess.run(cmd, cwd=repo, check=True, env=env)
        exe = Path(sys.executable).parent / "reviewbot"
        argv = [str(exe), "review", "--all-files", "--format", "json", "-q", "--no-cache", "--fail-on", "none"]
        if analyzers:
            argv += ["--analyzers", analyzers]
        start = time.perf_counter()
        run = subprocess.run(argv, cwd=repo, capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            raise SystemExit(f"reviewbot failed ({run.returncode}): {run.stderr[-2000:]}")
        report = json.loads(run.stdout)
        return report["comments"] + ([] if posted_only else report.get("over_budget", [])), seconds


def flagged(case: Case, comments_by_path: dict[str, list[dict]], exact: bool) -> bool:
    std, eq = CATEGORIES[case.category]
    for c in comments_by_path.get(case.path, []):
        cwe = c.get("cwe")
        if cwe is None or (cwe != std if exact else cwe not in eq):
            continue
        if case.line is None or c["line"] <= case.line <= max(c.get("end_line") or c["line"], c["line"]):
            return True
    return False


def _flaggers(case: Case, comments_by_path: dict[str, list[dict]]) -> set[str]:
    """The tool:rule of the comments that flag ``case`` (equivalent CWEs), to see where a false positive comes from."""
    _, eq = CATEGORIES[case.category]
    return {f"{c.get('tool')}:{c.get('rule')}" for c in comments_by_path.get(case.path, [])
            if c.get("cwe") in eq and (case.line is None
                                        or c["line"] <= case.line <= max(c.get("end_line") or c["line"], c["line"]))}


def table(cases: list[Case], comments_by_path: dict[str, list[dict]], exact: bool) -> dict[str, dict[str, float]]:
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, pos, fp, neg
    for case in cases:
        hit = flagged(case, comments_by_path, exact)
        s = stats[case.category]
        if case.vulnerable:
            s[0] += hit
            s[1] += 1
        else:
            s[2] += hit
            s[3] += 1
    out = {}
    for cat in CATEGORIES:
        tp, pos, fp, neg = stats.get(cat, [0, 0, 0, 0])
        if not pos and not neg:
            continue
        tpr = tp / pos if pos else float("nan")
        fpr = fp / neg if neg else float("nan")
        out[cat] = {"tp": tp, "pos": pos, "fp": fp, "neg": neg, "tpr": tpr, "fpr": fpr,
                    "youden": (tpr if pos else 0.0) - (fpr if neg else 0.0) if pos else float("nan")}
    return out


def _mean(values: list[float]) -> float:
    values = [v for v in values if v == v]
    return sum(values) / len(values) if values else float("nan")


def print_table(title: str, rows: dict[str, dict[str, float]]) -> float:
    print(f"\n{title}")
    print(f"  {'category':16} {'CWE':>5} {'TP/pos':>9} {'FP/neg':>9} {'TPR':>6} {'FPR':>6} {'Youden':>7}")
    for cat, r in rows.items():
        print(f"  {cat:16} {CATEGORIES[cat][0]:>5} {r['tp']:>4}/{r['pos']:<4} {r['fp']:>4}/{r['neg']:<4}"
              f" {r['tpr']:>6.2f} {r['fpr']:>6.2f} {r['youden']:>+7.2f}")
    means = {k: _mean([r[k] for r in rows.values()]) for k in ("tpr", "fpr", "youden")}
    print(f"  {'mean':16} {'':>5} {'':>9} {'':>9} {means['tpr']:>6.2f} {means['fpr']:>6.2f} {means['youden']:>+7.2f}")
    return means["youden"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default="own,semgrep-rules,securityeval,bandit")
    parser.add_argument("--semgrep-rules", type=Path, default=MIRROR / "semgrep+semgrep-rules" / "repo")
    parser.add_argument("--securityeval", type=Path, default=MIRROR / "s2e-lab+SecurityEval" / "repo")
    parser.add_argument("--bandit-examples", type=Path, default=Path(tempfile.gettempdir()) / "bandit-examples")
    parser.add_argument("--analyzers", default="bandit,semgrep",
                        help="analyzers to run ('' = the configured default set, slower)")
    parser.add_argument("--show-misses", nargs="?", const="all", choices=("all", "train", "heldout"),
                        help="list false negatives and false positives (of one split: 'train' to tune on)")
    parser.add_argument("--json", type=Path, help="write the tables as JSON")
    parser.add_argument("--posted-only", action="store_true",
                        help="count only posted comments, not the repeats on identical lines that SARIF/JSON carry")
    args = parser.parse_args(argv)
    wanted = set(args.sources.split(","))
    files: dict[str, str] = {}
    cases: list[Case] = []
    if "own" in wanted:
        cases += own_cases(files)
    loaders = (("semgrep-rules", args.semgrep_rules, semgrep_rules_cases),
               ("securityeval", args.securityeval, securityeval_cases),
               ("bandit", args.bandit_examples, bandit_cases))
    for name, where, load in loaders:
        if name not in wanted:
            continue
        if not where.exists():
            print(f"note: {name}: no snapshot at {where}; skipped", file=sys.stderr)
            continue
        cases += load(where, files)
    if not cases:
        raise SystemExit("no cases")
    comments, seconds = run_review(files, args.analyzers, args.posted_only)
    by_path: dict[str, list[dict]] = defaultdict(list)
    for c in comments:
        by_path[c["path"]].append(c)
    print(f"{len(cases)} cases in {len(files)} files; review took {seconds:.1f} s; {len(comments)} comments")
    report: dict[str, object] = {}
    for source in ["all", *sorted({c.source for c in cases})]:
        subset = [c for c in cases if source in ("all", c.source)]
        for exact in (True, False):
            mode = "exact" if exact else "equiv"
            for split in ("all", "train", "heldout"):
                part = [c for c in subset if split == "all" or c.heldout == (split == "heldout")]
                rows = table(part, by_path, exact)
                if source != "all" and split != "all":
                    continue
                if source == "all" or exact:
                    mean = print_table(f"[{source}] {mode} CWE, {split} ({len(part)} cases)", rows)
                    report[f"{source}/{mode}/{split}"] = {"rows": rows, "mean_youden": mean}
    if args.show_misses:
        print("\nmisses (equivalent CWEs):")
        for case in cases:
            if args.show_misses != "all" and case.heldout != (args.show_misses == "heldout"):
                continue
            hit = flagged(case, by_path, exact=False)
            if hit != case.vulnerable:
                kind = "FN" if case.vulnerable else "FP"
                why = "" if case.vulnerable else " " + ",".join(sorted(_flaggers(case, by_path)))
                print(f"  {kind} {case.category:16} {case.path}{':' + str(case.line) if case.line else ''}{why}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
