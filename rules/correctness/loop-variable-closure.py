import tkinter as tk


def make_multipliers():
    funcs = []
    for i in range(5):
        # ruleid: loop-variable-closure
        funcs.append(lambda x: x * i)
    return funcs


def build_buttons(root, names):
    for name in names:
        # ruleid: loop-variable-closure
        tk.Button(root, text=name, command=lambda: print(name)).pack()


def make_handlers(events):
    handlers = {}
    for event, label in events.items():
        # ruleid: loop-variable-closure
        handlers[event] = lambda: label.upper()
    return handlers


def make_multipliers_ok():
    funcs = []
    for i in range(5):
        # ok: loop-variable-closure
        funcs.append(lambda x, i=i: x * i)
    return funcs


def sort_rows(rows, columns):
    for col in columns:
        # ok: loop-variable-closure
        rows.sort(key=lambda r: r[col])
    return rows


def make_squares():
    funcs = []
    for i in range(5):
        # ok: loop-variable-closure
        funcs.append(lambda i: i * i)
    return funcs
