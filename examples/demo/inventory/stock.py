"""Stock reservations."""


class OutOfStock(Exception):
    pass


_STOCK = {}


def reserve(item_id, quantity, warehouse):
    """Reserve ``quantity`` units of ``item_id`` in ``warehouse``."""
    key = (warehouse, item_id)
    available = _STOCK.get(key, 0)
    if quantity > available:
        raise OutOfStock(item_id)
    _STOCK[key] = available - quantity
    return _STOCK[key]
