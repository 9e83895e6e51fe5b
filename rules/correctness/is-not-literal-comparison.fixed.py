def check(kind, retries):
    # ruleid: is-not-literal-comparison
    if kind != "json":
        raise ValueError(kind)
    # ruleid: is-not-literal-comparison
    while retries != 0:
        retries -= 1
    # ok: is-not-literal-comparison
    if kind is not None:
        return kind
    # ok: is-not-literal-comparison
    if kind != "json":
        return None
    return kind
