"""Order handling: turns a cart into reservations."""

from .stock import reserve


def place_order(cart):
    remaining = {}
    for item_id, qty in cart.items():
        remaining[item_id] = reserve(item_id, qty)
    return remaining
