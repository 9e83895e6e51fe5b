def classify(status, code):
    # ruleid: is-literal-comparison
    if status == "active":
        return 1
    # ruleid: is-literal-comparison
    if code == 404:
        return 2
    # ok: is-literal-comparison
    if status is None:
        return 3
    # ok: is-literal-comparison
    if status == "active":
        return 4
    # ok: is-literal-comparison
    if code is True:
        return 5
    return 0
