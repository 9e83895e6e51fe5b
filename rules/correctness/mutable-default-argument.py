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


def normalise(values=[]):
    values = list(values)
    # ok: mutable-default-argument
    values.append(0)
    return values
