import argparse
import ast
import sys


def calculator():
    expression = input("> ")
    # ruleid: code-injection-cli-input
    print(eval(expression))


def run_hook():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hook")
    args = parser.parse_args()
    # ruleid: code-injection-cli-input
    exec(args.hook)


def calculator_safe():
    expression = input("> ")
    # ok: code-injection-cli-input
    print(ast.literal_eval(expression))


def scale():
    factor = float(sys.argv[1])
    # ok: code-injection-cli-input
    print(eval("2 * factor", {"factor": factor}))
