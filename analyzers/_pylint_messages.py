"""pylint message lists of the ``pylint`` analyzer: the *defects* profile, and how messages are classed."""

from __future__ import annotations

# The default message list. E-class messages that hold without imports resolving, and W-class messages that
# flag wrong or dead code. Left out on purpose: import-error, no-name-in-module, relative-beyond-top-level
# (the scratch tree has no dependencies and only the changed files), no-member, not-callable, unsubscriptable and
# the other type-inference checks (false positives when inference is partial), assignment-from-no-return/none
# (template methods), possibly-used-before-assignment (flow-insensitive guesses), no-self-argument and
# self-cls-assignment (deliberate style in numeric code), unused-import (re-exports, side-effect imports),
# unused-argument, redefined-outer-name (pytest fixtures), broad-except, and every convention / refactor message.
# unused-variable is kept, but not for names bound by tuple unpacking (``a, b = pair``), which are reported by
# pylint and dropped here.
DEFECTS: tuple[str, ...] = (
    # definitions and scoping
    "init-is-generator",  # E0100
    "return-in-init",  # E0101
    "function-redefined",  # E0102
    "not-in-loop",  # E0103
    "return-outside-function",  # E0104
    "yield-outside-function",  # E0105
    "return-arg-in-generator",  # E0106
    "nonexistent-operator",  # E0107
    "duplicate-argument-name",  # E0108
    "abstract-class-instantiated",  # E0110
    "bad-reversed-sequence",  # E0111
    "too-many-star-expressions",  # E0112
    "invalid-star-assignment-target",  # E0113
    "star-needs-assignment-target",  # E0114
    "nonlocal-and-global",  # E0115
    "nonlocal-without-binding",  # E0117
    "used-prior-global-declaration",  # E0118
    "misplaced-format-function",  # E0119
    "access-member-before-definition",  # E0203
    "no-method-argument",  # E0211
    "invalid-slots-object",  # E0236
    "assigning-non-slot",  # E0237
    "invalid-slots",  # E0238
    "inherit-non-class",  # E0239
    "inconsistent-mro",  # E0240
    "duplicate-bases",  # E0241
    "class-variable-slots-conflict",  # E0242
    "invalid-class-object",  # E0243
    "non-iterator-returned",  # E0301
    "unexpected-special-method-signature",  # E0302
    "invalid-length-returned",  # E0303
    "invalid-bool-returned",  # E0304
    "invalid-index-returned",  # E0305
    "invalid-repr-returned",  # E0306
    "invalid-str-returned",  # E0307
    "invalid-bytes-returned",  # E0308
    "invalid-hash-returned",  # E0309
    "used-before-assignment",  # E0601
    "undefined-variable",  # E0602
    "undefined-all-variable",  # E0603
    "invalid-all-object",  # E0604
    "invalid-all-format",  # E0605
    "unpacking-non-sequence",  # E0633
    "potential-index-error",  # E0643
    # exceptions
    "bad-except-order",  # E0701
    "raising-bad-type",  # E0702
    "misplaced-bare-raise",  # E0704
    "bad-exception-cause",  # E0705
    "raising-non-exception",  # E0710
    "notimplemented-raised",  # E0711
    "catching-non-exception",  # E0712
    "bad-super-call",  # E1003
    # calls whose callee is known (same file): arity and keywords
    "no-value-for-parameter",  # E1120
    "too-many-function-args",  # E1121
    "unexpected-keyword-arg",  # E1123
    "redundant-keyword-arg",  # E1124
    "missing-kwoa",  # E1125
    "repeated-keyword",  # E1132
    "invalid-metaclass",  # E1139
    "dict-iter-missing-items",  # E1141
    "await-outside-async",  # E1142
    "unhashable-member",  # E1143
    "invalid-slice-step",  # E1144
    "async-context-manager-with-regular-with",  # E1145
    # logging and format strings
    "logging-unsupported-format",  # E1200
    "logging-format-truncated",  # E1201
    "logging-too-many-args",  # E1205
    "logging-too-few-args",  # E1206
    "bad-format-character",  # E1300
    "truncated-format-string",  # E1301
    "mixed-format-string",  # E1302
    "format-needs-mapping",  # E1303
    "missing-format-string-key",  # E1304
    "too-many-format-args",  # E1305
    "too-few-format-args",  # E1306
    "bad-string-format-type",  # E1307
    "bad-str-strip-call",  # E1310
    "invalid-envvar-value",  # E1507
    "yield-inside-async-function",  # E1700
    "not-async-context-manager",  # E1701
    "bare-name-capture-pattern",  # E1901
    "invalid-match-args-definition",  # E1902
    "too-many-positional-sub-patterns",  # E1903
    "multiple-class-sub-patterns",  # E1904
    "invalid-unicode-codec",  # E2501
    "bidirectional-unicode",  # E2502
    "invalid-character-backspace",  # E2510
    "invalid-character-carriage-return",  # E2511
    "invalid-character-sub",  # E2512
    "invalid-character-esc",  # E2513
    "invalid-character-nul",  # E2514
    "invalid-character-zero-width-space",  # E2515
    "positional-only-arguments-expected",  # E3102
    "invalid-field-call",  # E3701
    "modified-iterating-dict",  # E4702
    "modified-iterating-set",  # E4703
    # W: dead or wrong code
    "unreachable",  # W0101
    "dangerous-default-value",  # W0102
    "pointless-statement",  # W0104
    "expression-not-assigned",  # W0106
    "duplicate-key",  # W0109
    "useless-else-on-loop",  # W0120
    "confusing-with-statement",  # W0124
    "using-constant-test",  # W0125
    "missing-parentheses-for-call-in-test",  # W0126
    "self-assigning-variable",  # W0127
    "redeclared-assigned-name",  # W0128
    "assert-on-string-literal",  # W0129
    "duplicate-value",  # W0130
    "named-expr-without-context",  # W0131
    "pointless-exception-statement",  # W0133
    "return-in-finally",  # W0134
    "continue-in-finally",  # W0136
    "break-in-finally",  # W0137
    "comparison-with-callable",  # W0143
    "lost-exception",  # W0150
    "nan-comparison",  # W0177
    "assert-on-tuple",  # W0199
    "bad-staticmethod-argument",  # W0211
    "invalid-overridden-method",  # W0236
    "super-without-brackets",  # W0245
    "import-self",  # W0406
    "misplaced-future",  # W0410
    "global-variable-undefined",  # W0601
    "unused-variable",  # W0612
    "undefined-loop-variable",  # W0631
    "unbalanced-tuple-unpacking",  # W0632
    "cell-var-from-loop",  # W0640
    "unbalanced-dict-unpacking",  # W0644
    "duplicate-except",  # W0705
    "try-except-raise",  # W0706
    "binary-op-exception",  # W0711
    "raising-format-tuple",  # W0715
    "wrong-exception-operation",  # W0716
    "arguments-out-of-order",  # W1114
    "non-str-assignment-to-dunder-name",  # W1115
    "isinstance-second-argument-not-valid-type",  # W1116
    "kwarg-superseded-by-positional-arg",  # W1117
    "bad-format-string-key",  # W1300
    "unused-format-string-key",  # W1301
    "bad-format-string",  # W1302
    "missing-format-argument-key",  # W1303
    "unused-format-string-argument",  # W1304
    "format-combined-specification",  # W1305
    "missing-format-attribute",  # W1306
    "invalid-format-index",  # W1307
    "duplicate-string-formatting-argument",  # W1308
    "format-string-without-interpolation",  # W1310
    "anomalous-backslash-in-string",  # W1401
    "anomalous-unicode-escape-in-string",  # W1402
    "implicit-str-concat",  # W1404
    "bad-open-mode",  # W1501
    "boolean-datetime",  # W1502
    "redundant-unittest-assert",  # W1503
    "bad-thread-instantiation",  # W1506
    "shallow-copy-environ",  # W1507
    "invalid-envvar-default",  # W1508
    "subprocess-popen-preexec-fn",  # W1509
    "forgotten-debug-statement",  # W1515
    "method-cache-max-size-none",  # W1518
    "useless-with-lock",  # W2101
    "bad-chained-comparison",  # W3601
    "modified-iterating-list",  # W4701
    "looping-through-iterator",  # W4801
    # syntax newer than the project's oldest Python (--py-version); silent when the project declares none
    "using-f-string-in-unsupported-version",  # W2601
    "using-final-decorator-in-unsupported-version",  # W2602
    "using-exception-groups-in-unsupported-version",  # W2603
    "using-generic-type-syntax-in-unsupported-version",  # W2604
    "using-assignment-expression-in-unsupported-version",  # W2605
    "using-positional-only-args-in-unsupported-version",  # W2606
    "using-comprehension-unpacking-in-unsupported-version",  # W2607 (pylint 4; an older pylint ignores the name)
)

# Messages about pylint's own configuration or inline pragmas: never findings.
CONFIG_MESSAGES = frozenset({"E0011", "E0012", "E0013", "E0014", "E0015", "W0012", "I0021", "I0022"})

# Purely syntactic or control-flow messages: pylint does not need inference to be right about them.
SURE = frozenset(
    {
        "E0100", "E0101", "E0102", "E0103", "E0104", "E0105", "E0106", "E0108", "E0112", "E0115", "E0117",
        "E0118", "E0211", "E0601", "E0602", "E0704", "E1132", "E1142", "E1700", "E2502", "W0101",
        "W0102", "W0109", "W0133", "W0134", "W0150", "W0199", "W0631", "W0640", "W0705", "W1515",
        "W2601", "W2603", "W2604", "W2605", "W2606", "W2607",
    }
)  # fmt: skip
