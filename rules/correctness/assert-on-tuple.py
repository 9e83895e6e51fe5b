def withdraw(balance, amount):
    # ruleid: assert-on-tuple
    assert (amount <= balance, "insufficient funds")
    # ruleid: assert-on-tuple
    assert (balance >= 0, f"negative balance {balance}")
    # ok: assert-on-tuple
    assert amount <= balance, "insufficient funds"
    # ok: assert-on-tuple
    assert (amount <= balance)
    return balance - amount
