def changed(old, new):
    # ruleid: comparison-with-itself
    if old.version == old.version:
        return False
    # ruleid: comparison-with-itself
    return new >= new


def is_nan(x):
    # ok: comparison-with-itself
    return x != x


def changed_ok(old, new, rng):
    # ok: comparison-with-itself
    if old.version == new.version:
        return False
    # ok: comparison-with-itself
    return rng.random() == rng.random()
