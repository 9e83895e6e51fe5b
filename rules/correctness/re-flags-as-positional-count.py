import re


def normalise(text):
    # ruleid: re-flags-as-positional-count
    return re.sub(r"\s+", " ", text, re.MULTILINE)


def words(text):
    # ruleid: re-flags-as-positional-count
    return re.split(r"[,;]", text, re.I | re.M)


def normalise_ok(text):
    # ok: re-flags-as-positional-count
    return re.sub(r"\s+", " ", text, flags=re.MULTILINE)


def first_two(text):
    # ok: re-flags-as-positional-count
    return re.sub(r"a", "b", text, 2)
