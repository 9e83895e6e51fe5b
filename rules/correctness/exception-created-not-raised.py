def withdraw(balance, amount):
    if amount > balance:
        # ruleid: exception-created-not-raised
        ValueError("insufficient funds")
    return balance - amount


def parse(data):
    if not data:
        # ruleid: exception-created-not-raised
        RuntimeError("empty payload")
    return data


def withdraw_ok(balance, amount):
    if amount > balance:
        # ok: exception-created-not-raised
        raise ValueError("insufficient funds")
    return balance - amount


def make_error(msg):
    # ok: exception-created-not-raised
    err = ValueError(msg)
    # ok: exception-created-not-raised
    return KeyError(msg), err
