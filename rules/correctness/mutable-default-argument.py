import collections


def add_item(item, items=[]):
    # ruleid: mutable-default-argument
    items.append(item)
    return items


def register(name, registry={}):
    # ruleid: mutable-default-argument
    registry[name] = True
    return registry


class Basket:
    def __init__(self, fruits=[]):
        # ruleid: mutable-default-argument
        self.fruits = fruits


def count(words, counts=collections.defaultdict(int)):
    for w in words:
        # ruleid: mutable-default-argument
        counts[w] += 1
    return counts


def add_item_safe(item, items=None):
    items = [] if items is None else items
    # ok: mutable-default-argument
    items.append(item)
    return items


def total(values=[]):
    # ok: mutable-default-argument
    return sum(values)


def fib(n, _cache={}):
    if n not in _cache:
        # ok: mutable-default-argument
        _cache[n] = n if n < 2 else fib(n - 1) + fib(n - 2)
    return _cache[n]


def normalise(values=[]):
    values = list(values)
    # ok: mutable-default-argument
    values.append(0)
    return values
