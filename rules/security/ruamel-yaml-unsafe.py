from ruamel.yaml import YAML
import ruamel.yaml


def load_config(stream):
    # ruleid: ruamel-yaml-unsafe
    yaml = YAML(typ="unsafe")
    return yaml.load(stream)


def load_any(stream):
    # ruleid: ruamel-yaml-unsafe
    return ruamel.yaml.YAML(typ="unsafe", pure=True).load(stream)


def load_round_trip(stream):
    # ok: ruamel-yaml-unsafe
    return YAML().load(stream)


def load_safe(stream):
    # ok: ruamel-yaml-unsafe
    return YAML(typ="safe").load(stream)


def load_rt(stream):
    # ok: ruamel-yaml-unsafe
    return YAML(typ="rt").load(stream)
