"""Call-shape security findings whose data cannot come from outside: no injection is possible.

bandit's injection checks look at the shape of a call, not where its data comes from: B307/B102 flag every
``eval``/``exec``, B602/B605/B603/... every shell or process call, B608 every SQL text built from strings; the
rule pack's shape rules (``sqli-string-format``, ``shell-command-formatted``) do the same. A call whose code,
command or query is made only of *inert* values cannot be injected, whatever its shape:

* literals, and f-strings, ``%``, ``+``, ``.format()``, ``.join()`` of inert parts;
* numbers made by ``int()``/``float()``/``len()``/``bool()``/... of anything, ``str()`` of an inert value;
* for shell commands, ``shlex.quote()``/``pipes.quote()`` of anything;
* a name whose value reaching the call is inert: the function's statements before the call are followed in order,
  with branches on a constant condition (``if 7 * 18 > 100:``) folded, and an allow-list check
  (``if x not in ALLOWED: return``, ``if x not in ALLOWED: x = "/"``, the body of ``if x in ALLOWED:``) making the
  checked name inert. Module-level names count when the module binds them to inert values only.

Deserialization (bandit's B301/B302 pickle/marshal/dill/jsonpickle loads, B506 ``yaml.load``, the pack's
``pickle-c-module-load``) is judged the same
way on the data loaded: a literal, a file opened at a path built only from inert values (the program's own data
file), a base64/hex decoding of inert data; ``yaml.load`` with ``SafeLoader``/``BaseLoader`` (or their C versions)
builds only plain values and is dropped whatever it reads.

Marking text safe HTML (bandit's B308/B703 ``mark_safe``/``SafeString``, B704 ``Markup``) is judged on the text
marked: a literal (or a join/format of literals and constants) is the program's own markup, not a cross-site
scripting hole.

Anything else (a parameter, an attribute, a call of an unknown function) is not inert, so the finding stays.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

from reviewbot.analyzers import _source
from reviewbot.analyzers._constfold import constant
from reviewbot.analyzers._dropping import drop
from reviewbot.analyzers.base import SourceFile
from reviewbot.models import Finding

CODE = "code"  # eval / exec: the first argument
SHELL = "shell"  # a command run by a shell or a process call: the first argument (or args=)
COMMAND = "command"  # the command string a shell is given: after `sh -c`, or asyncio's subprocess_shell command
SQL = "sql"  # a query built on the finding's line
DATA = "data"  # pickle/marshal/yaml/jsonpickle loads: the data deserialized (first argument)
MARKUP = "markup"  # mark_safe / SafeString / Markup: the text declared safe HTML (first argument)

# finding rule id -> what its call carries
BANDIT_RULES: dict[str, str] = {
    "B102": CODE, "B307": CODE,
    "B602": SHELL, "B603": SHELL, "B604": SHELL, "B605": SHELL, "B606": SHELL, "B607": SHELL, "B609": SHELL,
    "B608": SQL,
    "B301": DATA, "B302": DATA, "B506": DATA,
    "B308": MARKUP, "B703": MARKUP, "B704": MARKUP,
}
SEMGREP_RULES: dict[str, str] = {"shell-command-formatted": SHELL, "shell-command-process-call": COMMAND,
                                  "sqli-string-format": SQL, "pickle-c-module-load": DATA}

_NUMBERS = frozenset({"int", "float", "bool", "len", "abs", "round", "hex", "oct", "bin", "ord", "hash", "id"})
_QUOTES = frozenset({"quote"})  # shlex.quote, pipes.quote (for SHELL only)
_STR_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "title", "capitalize", "casefold",
                          "replace", "format", "join", "encode", "decode"})
_CALLS = frozenset({"eval", "exec"})
_SQL_CALLS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "mogrify", "text", "raw",
                        "RawSQL", "read_sql", "read_sql_query"})
_DATA_CALLS = frozenset({"loads", "load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all",
                         "decode", "Unpickler"})
# yaml loaders that build only plain scalars, lists and dicts (bandit's B506 flags every loader but SafeLoader)
_SAFE_YAML_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
# for DATA: a file the program names itself, or a decoding of inert data, is the program's own data
_DATA_WRAPPERS = frozenset({"open", "b64decode", "urlsafe_b64decode", "standard_b64decode", "decodebytes",
                            "fromhex", "unhexlify"})
# for MARKUP: the calls that declare their first argument safe HTML
_MARKUP_CALLS = frozenset({"mark_safe", "SafeString", "SafeText", "Markup"})
# asyncio's shell calls, whose first argument (create_subprocess_shell) or second (loop.subprocess_shell) is the
# command; any other call carries it after a shell's `-c` (`/c` for cmd.exe)
_SHELL_CALLS = {"create_subprocess_shell": 0, "subprocess_shell": 1}
_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
State = dict[str, bool]


class _Scope:
    """Inertness of expressions at one point of a function (or module)."""

    def __init__(self, kind: str, state: State, module: State) -> None:
        self.kind, self.state, self.module = kind, state, module

    def inert(self, node: ast.expr | None) -> bool:
        if node is None:
            return True
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.JoinedStr):
            return all(self.inert(v) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            return self.inert(node.value)
        if isinstance(node, ast.BinOp):
            return self.inert(node.left) and self.inert(node.right)
        if isinstance(node, ast.UnaryOp):
            return self.inert(node.operand)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return all(self.inert(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(self.inert(k) for k in node.keys) and all(self.inert(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            test = constant(node.test)
            if test is None:
                return self.inert(node.body) and self.inert(node.orelse)
            return self.inert(node.body if test else node.orelse)
        if isinstance(node, ast.Subscript):
            return self.inert(node.value)
        if isinstance(node, ast.Starred):
            return self.inert(node.value)
        if isinstance(node, ast.Name):
            return self.state.get(node.id, self.module.get(node.id, False))
        if isinstance(node, ast.Call):
            return self._inert_call(node)
        return False

    def _inert_call(self, node: ast.Call) -> bool:
        func = node.func
        name = _source.last_name(func)
        if isinstance(func, ast.Name) and name in _NUMBERS:
            return True
        if name in _QUOTES and self.kind in (SHELL, COMMAND):
            return True
        if name in _DATA_WRAPPERS and self.kind == DATA:
            return all(self.inert(a) for a in node.args)
        if isinstance(func, ast.Name) and name in {"str", "repr"}:
            return all(self.inert(a) for a in node.args)
        if isinstance(func, ast.Attribute) and name in _STR_METHODS:
            return self.inert(func.value) and all(self.inert(a) for a in node.args) \
                and all(self.inert(k.value) for k in node.keywords)
        return False


def _assigned(target: ast.expr) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def _exits(body: Sequence[ast.stmt]) -> bool:
    """The block always leaves (return, raise, continue, break, or an ``abort(...)``/``sys.exit(...)`` call)."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, _EXITS):
        return True
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        return _source.last_name(last.value.func) in {"abort", "exit"}
    return False


def _allow_list(test: ast.expr) -> tuple[str, bool] | None:
    """``x in ALLOWED`` -> (x, True), ``x not in ALLOWED`` -> (x, False): a check against a constant collection
    (an UPPER_CASE name or a literal list/set/tuple/dict)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name)
            and isinstance(test.ops[0], (ast.In, ast.NotIn))):
        return None
    ref = test.comparators[0]
    if isinstance(ref, ast.Attribute):
        ref_name = ref.attr
    elif isinstance(ref, ast.Name):
        ref_name = ref.id
    else:
        ref_name = ""
    if not ((ref_name and ref_name.isupper()) or isinstance(ref, (ast.List, ast.Set, ast.Tuple, ast.Dict))):
        return None
    return test.left.id, isinstance(test.ops[0], ast.In)


class _Walker:
    """Follows a block of statements in order up to the one holding ``line``, tracking which names are inert."""

    def __init__(self, kind: str, module: State, line: int) -> None:
        self.kind, self.module, self.line = kind, module, line

    def scope(self, state: State) -> _Scope:
        return _Scope(self.kind, state, self.module)

    def _holds(self, stmt: ast.stmt) -> bool:
        return stmt.lineno <= self.line <= (stmt.end_lineno or stmt.lineno)

    def block(self, body: Sequence[ast.stmt], state: State, *, stop: bool = True) -> tuple[State, bool]:
        """The state after ``body`` (or, with ``stop``, at the line inside the statement holding it), and whether
        the line was reached."""
        for stmt in body:
            if stop and self._holds(stmt):
                return self.enter(stmt, state), True
            state = self.step(stmt, state)
        return state, False

    def enter(self, stmt: ast.stmt, state: State) -> State:
        """The state inside ``stmt`` at the line."""
        if isinstance(stmt, ast.If):
            yes, no = self._branches(stmt.test, state)
            test = constant(stmt.test)
            for body, branch in ((stmt.body, yes), (stmt.orelse, no)):
                if body and body[0].lineno <= self.line <= (body[-1].end_lineno or body[-1].lineno):
                    if (test is True and body is stmt.orelse) or (test is False and body is stmt.body):
                        return {}  # dead code: nothing is known to be inert there? keep it conservative
                    return self.block(body, branch)[0]
            return state
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            state = self._maybe(stmt.body + stmt.orelse, state)  # values from an earlier iteration
            if isinstance(stmt, (ast.For, ast.AsyncFor)):
                iterable = self.scope(state).inert(stmt.iter)
                state = {**state, **{n: iterable for n in _assigned(stmt.target)}}
            for body in (stmt.body, stmt.orelse):
                result, reached = self.block(body, state)
                if reached:
                    return result
            return state
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            return self.block(stmt.body, self._with(stmt, state))[0]
        if isinstance(stmt, ast.Try):
            for body in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):
                start = state if body is stmt.body else self._maybe(stmt.body, state)
                result, reached = self.block(body, start)
                if reached:
                    return result
            return state
        return state

    def _with(self, stmt: ast.With | ast.AsyncWith, state: State) -> State:
        out = dict(state)
        for item in stmt.items:
            if item.optional_vars is not None:
                for name in _assigned(item.optional_vars):
                    out[name] = False
        return out

    def _branches(self, test: ast.expr, state: State) -> tuple[State, State]:
        yes, no = dict(state), dict(state)
        check = _allow_list(test)
        if check is not None:
            name, positive = check
            (yes if positive else no)[name] = True
        return yes, no

    def _maybe(self, body: Sequence[ast.stmt], state: State) -> State:
        """``state`` joined with what running ``body`` (or part of it) may leave."""
        return _join(state, self.block(body, dict(state), stop=False)[0])

    def step(self, stmt: ast.stmt, state: State) -> State:
        scope = self.scope(state)
        if isinstance(stmt, ast.Assign):
            value = scope.inert(stmt.value)
            return {**state, **{n: value for t in stmt.targets for n in _assigned(t)}}
        if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            return {**state, **{n: scope.inert(stmt.value) for n in _assigned(stmt.target)}}
        if isinstance(stmt, ast.AugAssign):
            names = _assigned(stmt.target)
            value = scope.inert(stmt.value)
            return {**state, **{n: value and scope.inert(ast.Name(id=n)) for n in names}}
        if isinstance(stmt, ast.If):
            test = constant(stmt.test)
            yes, no = self._branches(stmt.test, state)
            if test is not None:
                return self.block(stmt.body if test else stmt.orelse, yes if test else no)[0]
            after_yes = None if _exits(stmt.body) else self.block(stmt.body, yes)[0]
            after_no = None if _exits(stmt.orelse) else self.block(stmt.orelse, no)[0]
            if after_yes is None and after_no is None:
                return state
            if after_yes is None or after_no is None:
                return after_no if after_yes is None else after_yes  # type: ignore[return-value]
            return _join(after_yes, after_no)
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            inner = dict(state)
            if isinstance(stmt, (ast.For, ast.AsyncFor)):
                iterable = scope.inert(stmt.iter)
                inner.update({n: iterable for n in _assigned(stmt.target)})
            return _join(state, self.block([*stmt.body, *stmt.orelse], inner)[0])
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            return self.block(stmt.body, self._with(stmt, state))[0]
        if isinstance(stmt, ast.Try):
            out = _join(state, self.block(stmt.body, dict(state))[0])
            for handler in stmt.handlers:
                out = _join(out, self.block(handler.body, dict(out))[0])
            return self.block(stmt.finalbody, _join(out, self.block(stmt.orelse, dict(out))[0]))[0]
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return {**state, stmt.name: False}
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            return {**state, **{(a.asname or a.name).split(".")[0]: False for a in stmt.names}}
        return _spoil(stmt, state)


def _spoil(stmt: ast.stmt, state: State) -> State:
    """Any other statement: names it binds (walrus, match, del, global) are no longer known to be inert."""
    names = [n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)]
    return {**state, **{n: False for n in names}} if names else state


def _join(a: State, b: State) -> State:
    return {n: a.get(n, False) and b.get(n, False) for n in set(a) | set(b)}


def _enclosing(tree: ast.Module, line: int) -> tuple[list[ast.stmt], State]:
    """The body of the innermost function holding ``line`` (the module's when none) and the state at its start
    (its parameters are not inert)."""
    body: list[ast.stmt] = tree.body
    state: State = {}
    node: ast.AST = tree
    while True:
        inner = next((n for n in ast.iter_child_nodes(node)
                      if isinstance(n, ast.stmt) and n.lineno <= line <= (n.end_lineno or n.lineno)), None)
        if inner is None:
            return body, state
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = inner.body
            state = {a.arg: False for a in ast.walk(inner.args) if isinstance(a, ast.arg)}
        node = inner


def _module_state(tree: ast.Module) -> State:
    """Module-level names bound only to inert values (constants, allow-lists)."""
    state: State = {}
    walker = _Walker(SQL, {}, 0)
    for stmt in tree.body:
        state = walker.step(stmt, state)
    return {n: v for n, v in state.items() if v}


def _targets(tree: ast.Module, line: int, kind: str) -> list[ast.expr]:
    """The expressions of the finding on ``line`` whose inertness decides it."""
    out: list[ast.expr] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.expr) or node.lineno != line:
            continue
        if kind == SQL and isinstance(node, (ast.BinOp, ast.JoinedStr)):
            out.append(node)
        if not isinstance(node, ast.Call):
            continue
        name = _source.last_name(node.func)
        if kind in (CODE, SHELL):
            if kind == CODE and name not in _CALLS:
                continue
            arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "args"), None)
            if arg is not None:
                out.append(arg)
        elif kind == DATA and name in _DATA_CALLS:
            loader = next((k.value for k in node.keywords if k.arg in ("Loader", "loader")), None)
            if loader is not None and _source.last_name(loader) in _SAFE_YAML_LOADERS:
                out.append(ast.Constant(value=""))
            elif node.args:
                out.append(node.args[0])
        elif kind == MARKUP and name in _MARKUP_CALLS and node.args:
            out.append(node.args[0])
        elif kind == SQL and name == "format":
            out.append(node)
        elif kind == SQL and name in _SQL_CALLS and node.args:
            out.append(node.args[0])
        elif kind == COMMAND:
            command = _shell_command(node, name, tree)
            if command is not None:
                return [command]  # the outermost call on the line that gives a shell a command
    if kind == SHELL and out:
        return out[:1]  # the outermost call on the line (ast.walk is breadth first)
    return out


def _is_c_flag(node: ast.expr) -> bool:
    text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
    return (len(text) >= 2 and text[0] == "-" and text[1] != "-" and "c" in text) or text in ("/c", "/C", "/k", "/K")


def _after_c_flag(items: Sequence[ast.expr]) -> ast.expr | None:
    for flag, command in pairwise(items):
        if _is_c_flag(flag):
            return command
    return None


def _bound_list(tree: ast.Module, name: str, line: int) -> ast.expr | None:
    """The list or tuple last assigned to ``name`` before ``line`` in the function holding it (an argument list
    built just before the call)."""
    found: ast.expr | None = None
    body, _ = _enclosing(tree, line)
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if (isinstance(node, ast.Assign) and node.lineno < line and isinstance(node.value, (ast.List, ast.Tuple))
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
                and (found is None or node.lineno > found.lineno)):
            found = node.value
    return found


def _shell_command(call: ast.Call, name: str, tree: ast.Module) -> ast.expr | None:
    """The command string ``call`` (of a function named ``name``) gives a shell: asyncio's shell calls' command
    argument, else what follows a `-c` flag among the arguments or in an argument list (literal, or a name bound to
    one just before)."""
    if name in _SHELL_CALLS:
        index = _SHELL_CALLS[name]
        return call.args[index] if len(call.args) > index else None
    command = _after_c_flag(call.args)
    if command is not None:
        return command
    for arg in [*call.args, *(k.value for k in call.keywords if k.arg == "args")]:
        if isinstance(arg, ast.Name):
            arg = _bound_list(tree, arg.id, call.lineno) or arg
        if isinstance(arg, (ast.List, ast.Tuple)):
            command = _after_c_flag(arg.elts)
            if command is not None:
                return command
    return None


def benign(text: str, findings: Sequence[tuple[str, int]]) -> set[tuple[str, int]]:
    """Of ``(kind, line)`` pairs, those whose call or query on that line is built only from inert values."""
    tree = _source.parse_python(text)
    if isinstance(tree, SyntaxError):
        return set()
    module = _module_state(tree)
    out = set()
    for kind, line in findings:
        targets = _targets(tree, line, kind)
        if not targets:
            continue
        body, start = _enclosing(tree, line)
        walker = _Walker(kind, module, line)
        state, _ = walker.block(body, start)
        scope = walker.scope(state)
        if all(scope.inert(t) for t in targets):
            out.add((kind, line))
    return out


def without_inert(
    findings: Sequence[Finding], files: Iterable[SourceFile], rules: Mapping[str, str]
) -> tuple[list[Finding], list[str]]:
    """``findings`` without those of ``rules`` (rule id -> kind) whose call or query is built only from inert
    values, and a note per file that had some."""
    texts = {sf.path: sf.text for sf in files}
    wanted: dict[str, list[tuple[str, int]]] = {}
    for f in findings:
        if f.rule_id in rules and f.path in texts:
            wanted.setdefault(f.path, []).append((rules[f.rule_id], f.line))
    if not wanted:
        return list(findings), []
    safe = {path: benign(texts[path], pairs) for path, pairs in wanted.items()}
    return drop(
        findings,
        lambda f: f.rule_id in rules and (rules[f.rule_id], f.line) in safe.get(f.path, ()),
        "eval/exec, command, SQL, deserialization or mark-safe finding(s) on values built only from constants, "
        "numbers or allow-listed names (or a yaml safe loader) not reported",
    )
