def drop_empty(d):
    for key in d:
        if not d[key]:
            # ruleid: modified-while-iterating
            del d[key]
    return d


def remove_negatives(values):
    for v in values:
        if v < 0:
            # ruleid: modified-while-iterating
            values.remove(v)
    return values


def expire(cache, now):
    for key, entry in cache.items():
        if entry.expires < now:
            # ruleid: modified-while-iterating
            cache.pop(key)


def drop_empty_ok(d):
    for key in list(d):
        if not d[key]:
            # ok: modified-while-iterating
            del d[key]
    return d


def remove_first(values, target):
    for v in values:
        if v == target:
            # ok: modified-while-iterating
            values.remove(v)
            break
    return values


def update_values(d):
    for key in d:
        # ok: modified-while-iterating
        d[key] = d[key] * 2
    return d
