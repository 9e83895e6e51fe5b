def transfer(account, amount):
    # ruleid: assert-used-for-validation
    assert amount > 0, "amount must be positive"
    account.balance -= amount


def set_role(user, role):
    # ruleid: assert-used-for-validation
    assert role in ("admin", "member")
    user.role = role


def parse_port(value):
    # ruleid: assert-used-for-validation
    assert isinstance(value, int)
    return value


def transfer_checked(account, amount):
    # ok: assert-used-for-validation
    if amount <= 0:
        raise ValueError("amount must be positive")
    account.balance -= amount


def _internal(buf, size):
    # ok: assert-used-for-validation
    assert size >= 0
    return buf[:size]


def process(items):
    result = [i * 2 for i in items]
    # ok: assert-used-for-validation
    assert len(result) == len(items)
    return result
