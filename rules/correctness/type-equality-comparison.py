def describe(value):
    # ruleid: type-equality-comparison
    if type(value) == dict:
        return "mapping"
    # ruleid: type-equality-comparison
    if type(value) != list:
        return "other"
    return "list"


def describe_ok(value):
    # ok: type-equality-comparison
    if isinstance(value, dict):
        return "mapping"
    # ok: type-equality-comparison
    if type(value) is list:
        return "list"
    return "other"
