def lookup(config, key):
    # ruleid: dict-has-key
    if config.has_key(key):
        return config[key]
    # ruleid: dict-has-key
    return None if not config.has_key("default") else config["default"]


def lookup_ok(config, key):
    # ok: dict-has-key
    if key in config:
        return config[key]
    # ok: dict-has-key
    return config.get("default")


def key_supported(curses):
    import curses as c
    # ok: dict-has-key
    return c.has_key(13)
