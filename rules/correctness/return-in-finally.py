def read_config(path):
    try:
        with open(path) as fh:
            return fh.read()
    finally:
        # ruleid: return-in-finally
        return ""


def process(queue):
    while queue:
        item = queue.pop()
        # ruleid: return-in-finally
        try:
            item.run()
        finally:
            continue


def read_config_ok(path):
    # ok: return-in-finally
    try:
        with open(path) as fh:
            data = fh.read()
    finally:
        print("done")
    return data


def drain(items, log):
    # ok: return-in-finally
    try:
        items.flush()
    finally:
        for i in items:
            if i is None:
                break
            log.info(i)
