import yaml


def load_fixture(path):
    with open(path) as fh:
        # ruleid: yaml-unsafe-loader
        return yaml.load(fh, Loader=yaml.Loader)


def load_any(text):
    # ruleid: yaml-unsafe-loader
    return yaml.unsafe_load(text)


def load_full(text):
    # ruleid: yaml-unsafe-loader
    return yaml.load(text, yaml.FullLoader)


def load_fixture_safe(path):
    with open(path) as fh:
        # ok: yaml-unsafe-loader
        return yaml.load(fh, Loader=yaml.SafeLoader)


def load_fast(text):
    # ok: yaml-unsafe-loader
    return yaml.load(text, Loader=yaml.CSafeLoader)
