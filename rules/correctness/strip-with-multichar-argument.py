def module_name(filename):
    # ruleid: strip-with-multichar-argument
    return filename.rstrip(".py")


def host(url):
    # ruleid: strip-with-multichar-argument
    return url.lstrip("https://").rstrip("/")


def clean(line):
    # ok: strip-with-multichar-argument
    return line.rstrip("\r\n").strip("[]")


def module_name_ok(filename):
    # ok: strip-with-multichar-argument
    return filename.removesuffix(".py")


def trim(path):
    # ok: strip-with-multichar-argument
    return path.strip("/")
