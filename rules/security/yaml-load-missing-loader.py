import yaml
import yaml as pyyaml


def read_config(path):
    with open(path) as fh:
        # ruleid: yaml-load-missing-loader
        return yaml.load(fh)


def read_all(text):
    # ruleid: yaml-load-missing-loader
    return list(pyyaml.load_all(text))


def read_config_safe(path):
    with open(path) as fh:
        # ok: yaml-load-missing-loader
        return yaml.safe_load(fh)


def read_config_loader(path):
    with open(path) as fh:
        # ok: yaml-load-missing-loader
        return yaml.load(fh, Loader=yaml.SafeLoader)
