"""No import runs back up the layers of the package.

Every module under ``reviewbot/`` (the analyzer plug-ins included: ``reviewbot/analyzers`` links to ``analyzers/``)
belongs to one layer, and may import only from its own layer and the layers below it. Every import counts: at
module level, inside functions, and under ``TYPE_CHECKING``. From the bottom up:

1. values: ``reviewbot`` (the version), ``errors``, ``models`` (the values every stage shares: SourceFile, Finding,
   Evidence, Candidate, Comment, Review ...). They import nothing else of reviewbot.
2. infrastructure: ``procs`` (every child process), ``git``, ``textio``, ``urls``, ``links``, ``importguard``,
   ``progress``, ``llm.redact`` (secret redaction, used by the LLM stage and by the publishable guard),
   ``rulepack`` (reads and validates semgrep rule files: below the plug-ins because the semgrep adapter feeds the
   pack to semgrep, and reachable from the commands, which may not use an adapter's helpers, for ``reviewbot
   rules``).
3. plug-ins: ``analyzers.*``, the analyzer adapters, their registry (``analyzers``) and interface
   (``analyzers.base``); ``prompts`` (the prompt templates, data only). The rest of reviewbot imports the adapters
   only through the registry and the interface.
4. inputs: the change and the settings: ``diff``, ``content``, ``sources``, ``filekinds`` (and ``kindsummary``, its
   summary line), ``config``, ``config_trust``, ``sensitive``, ``pytarget``, ``llm.settings`` (the
   ``[tool.reviewbot.llm]`` schema), ``rerun_inputs`` (what a whole review depends on, for its replay).
5. contracts: ``contracts``, what the orchestrator hands each stage and what it hands back, and each stage's
   options.
6. stages: the analyzer runner (``analysis``, ``analysis_worker``, ``cache``), the placement and screening of
   findings (``filtering``, ``noqa``, ``noreturn``, ``suppress``, ``baseline``, ``preexisting``), the reviewers
   (``static_reviewer``, ``llm.*``), ``discriminator.*``, ``publishable`` (the redaction every Review goes
   through), and ``rerun`` (the replay cache of whole reviews).
7. orchestration: ``pipeline`` (runs the stages), ``wiring`` (builds them from the settings).
8. publishers: ``publishers.*``, the renderers of a Review.
9. front ends: ``github.*`` (the Action's publisher) and ``apply`` (interactive fixes).
10. commands: ``commands.*``, ``cli``, ``__main__``.

A new module must be given a layer here; the test fails for a module it does not know. ``rules/`` holds semgrep
rules and their test cases, not modules.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import reviewbot

PACKAGE = Path(reviewbot.__file__).parent

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("values", ("reviewbot", "reviewbot.errors", "reviewbot.models")),
    ("infrastructure", ("reviewbot.procs", "reviewbot.git", "reviewbot.blobs", "reviewbot.textio", "reviewbot.urls", "reviewbot.links",
                        "reviewbot.importguard", "reviewbot.progress", "reviewbot.llm.redact", "reviewbot.rulepack")),
    ("plug-ins", ("reviewbot.analyzers", "reviewbot.analyzers.*", "reviewbot.prompts")),
    ("inputs", ("reviewbot.diff", "reviewbot.content", "reviewbot.sources", "reviewbot.filekinds",
                "reviewbot.kindsummary", "reviewbot.config", "reviewbot.config_trust", "reviewbot.sensitive",
                "reviewbot.pytarget", "reviewbot.llm.settings", "reviewbot.rerun_inputs")),
    ("contracts", ("reviewbot.contracts",)),
    ("stages", ("reviewbot.analysis", "reviewbot.analysis_cache", "reviewbot.analysis_worker", "reviewbot.cache", "reviewbot.filtering",
                "reviewbot.noqa", "reviewbot.noreturn", "reviewbot.suppress", "reviewbot.baseline", "reviewbot.preexisting",
                "reviewbot.static_reviewer", "reviewbot.llm", "reviewbot.llm.*", "reviewbot.discriminator",
                "reviewbot.discriminator.*", "reviewbot.publishable", "reviewbot.rerun")),
    ("orchestration", ("reviewbot.pipeline", "reviewbot.wiring")),
    ("publishers", ("reviewbot.publishers", "reviewbot.publishers.*")),
    ("front ends", ("reviewbot.github", "reviewbot.github.*", "reviewbot.apply")),
    ("commands", ("reviewbot.commands", "reviewbot.commands.*", "reviewbot.cli", "reviewbot.__main__",
                  "reviewbot.schema")),
)


def layer_of(module: str) -> int | None:
    """The layer of ``module``; an exact name wins over a ``package.*`` pattern."""
    for index, (_, members) in enumerate(LAYERS):
        if module in members:
            return index
    for index, (_, members) in enumerate(LAYERS):
        if any(m.endswith(".*") and module.startswith(m[:-1]) for m in members):
            return index
    return None


def modules() -> dict[str, Path]:
    """Every module of the package, through the symlinked folders (analyzers/) too."""
    out = {}
    for folder, dirs, names in os.walk(PACKAGE, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__" and Path(folder, d) != PACKAGE / "rules"]
        for name in names:
            if not name.endswith(".py"):
                continue
            path = Path(folder, name)
            parts = path.relative_to(PACKAGE).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(("reviewbot", *parts))] = path
    return dict(sorted(out.items()))


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The reviewbot modules ``module`` imports (``from pkg import sub`` counts as importing ``pkg.sub``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {name for name in found if name == "reviewbot" or name.startswith("reviewbot.")}


def test_every_module_has_a_layer() -> None:
    unplaced = [m for m in modules() if layer_of(m) is None]
    assert not unplaced, f"give these modules a layer in LAYERS: {unplaced}"


def test_no_import_runs_back_up_the_layers() -> None:
    known = modules()
    upward = []
    for module, path in known.items():
        mine = layer_of(module)
        assert mine is not None
        for target in sorted(imports_of(module, path, set(known))):
            theirs = layer_of(target)
            if theirs is not None and theirs > mine:
                upward.append(f"{module} ({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]})")
    assert not upward, "\n".join(upward)


# The modules outside the plug-ins that use an adapter helper, each for one reason:
# - the no-return analysis parses with the same grammar and warning handling as the adapters
#   (analyzers/_source.parse_python);
# - the LLM prompt builder locates the changed functions and their signatures with the facts analyzer's own
#   computation (analyzers/_changed_defs, pure: texts in, values out), so the prompt and the facts never
#   disagree on which function changed or how its signature read. (The call sites it reads from the facts
#   analyzer's output: the repository search runs once, in the analyzer.)
# - the pre-existing check names a finding's enclosing definition in the head and in the base with the adapters'
#   own symbol lookup (analyzers/_source.symbol_finder, ast_defs: texts in, values out), so it agrees with the
#   ``symbol`` the adapters give their findings.
PLUGIN_HELPERS_USED = {
    ("reviewbot.noreturn", "reviewbot.analyzers._source"),
    ("reviewbot.preexisting", "reviewbot.analyzers._source"),
    ("reviewbot.llm.context", "reviewbot.analyzers._changed_defs"),
}


# Who needs the adapter interface itself: the runner (it calls adapters), the config (it validates their
# Options) and the wiring (it reads their Traits). Every other stage reads the shared values from
# reviewbot.models.
INTERFACE_USERS = {"reviewbot.analysis", "reviewbot.analysis_cache", "reviewbot.config", "reviewbot.wiring"}  # the runner: two modules


def test_only_the_runner_config_and_wiring_import_the_adapter_interface() -> None:
    known = modules()
    users = {
        module
        for module, path in known.items()
        if layer_of(module) != layer_of("reviewbot.analyzers.base")
        and "reviewbot.analyzers.base" in imports_of(module, path, set(known))
    }
    assert users == INTERFACE_USERS


def test_the_core_reaches_the_plug_ins_only_through_registry_and_interface() -> None:
    known = modules()
    reached = {
        (module, target)
        for module, path in known.items()
        if layer_of(module) != layer_of("reviewbot.analyzers.base")
        for target in imports_of(module, path, set(known))
        if target.startswith("reviewbot.analyzers.") and target != "reviewbot.analyzers.base"
    }
    assert reached == PLUGIN_HELPERS_USED


def test_the_checker_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from reviewbot.pipeline import run_review\nfrom . import markers\n")
    found = imports_of("reviewbot.github.probe", probe, {"reviewbot.github.markers"})
    assert found == {"reviewbot.pipeline", "reviewbot.github.markers"}


# What starts, signals or replaces a process. Only reviewbot.procs may use these: it starts every child in a
# process group of its own, with the allow-listed environment, and times out and kills it with all its children.
PROCESS_CALLS = {
    "subprocess": {"run", "Popen", "call", "check_call", "check_output", "getoutput", "getstatusoutput"},
    "os": {"kill", "killpg", "system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp", "execv", "execve",
           "execvp", "execvpe", "execl", "execle", "execlp", "execlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
           "spawnl", "spawnle", "spawnlp", "spawnlpe", "startfile"},
    "signal": {"pthread_kill", "pidfd_send_signal"},
    "asyncio": {"create_subprocess_exec", "create_subprocess_shell"},
    "multiprocessing": {"Process", "Pool", "get_context"},
    "pty": {"spawn", "fork"},
}


def process_calls(path: Path) -> list[str]:
    """``module.name`` uses of PROCESS_CALLS in a file, through ``import module`` or ``from module import name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    annotations = [n.annotation for n in ast.walk(tree) if isinstance(n, (ast.arg, ast.AnnAssign)) and n.annotation]
    annotations += [n.returns for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and n.returns]
    types = {id(sub) for a in annotations for sub in ast.walk(a)}  # naming a type (subprocess.Popen) runs nothing
    found = []
    for node in ast.walk(tree):
        if id(node) in types:
            continue
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr in PROCESS_CALLS.get(node.value.id, ()):
                found.append(f"{node.value.id}.{node.attr}:{node.lineno}")
        elif isinstance(node, ast.ImportFrom) and node.module in PROCESS_CALLS and not node.level:
            names = PROCESS_CALLS[node.module]
            found += [f"{node.module}.{a.name}:{node.lineno}" for a in node.names if a.name in names]
    return found


def test_only_procs_starts_or_kills_processes() -> None:
    stragglers = {
        module: calls
        for module, path in modules().items()
        if module != "reviewbot.procs" and (calls := process_calls(path))
    }
    assert not stragglers, stragglers


def test_the_process_check_sees_calls_and_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import os, subprocess\nfrom os import killpg\nsubprocess.run(['x'])\nos.kill(1, 9)\n"
                     "def f(p: subprocess.Popen[bytes]) -> subprocess.Popen[str]:\n    return subprocess.Popen(p)\n")
    assert sorted(process_calls(probe)) == ["os.kill:4", "os.killpg:2", "subprocess.Popen:6", "subprocess.run:3"]


# Module names that appear twice on purpose, with one meaning: the command and the stage of one concept
# (``commands/baseline.py`` writes what ``baseline.py`` reads), and one run's limits and connection, of the LLM
# provider and of GitHub (``llm.limits``/``github.limits``, ``llm.session``/``github.session``).
SHARED_MODULE_NAMES = {"baseline": 2, "limits": 2, "session": 2}


def test_a_module_name_means_one_thing() -> None:
    """No two modules share a name (``apply``, ``parse``, ``cache`` once meant two things each), except the
    parallels in SHARED_MODULE_NAMES."""
    counts: dict[str, int] = {}
    for module, path in modules().items():
        if path.name != "__init__.py":
            last = module.rpartition(".")[2]
            counts[last] = counts.get(last, 0) + 1
    assert {name: n for name, n in counts.items() if n > 1} == SHARED_MODULE_NAMES
