import base64
import _pickle
import _pickle as cPickle


def from_header(headers):
    token = base64.b64decode(headers["Authorization"].split(" ")[1])
    # ruleid: pickle-c-module-load
    return cPickle.loads(token)


def from_param(blob):
    # ruleid: pickle-c-module-load
    return _pickle.loads(blob)


def from_stream(stream):
    # ruleid: pickle-c-module-load
    return _pickle.Unpickler(stream).load()


def serialize(obj):
    # ok: pickle-c-module-load
    return _pickle.dumps(obj)


def deep_copy(obj):
    # ok: pickle-c-module-load
    return _pickle.loads(_pickle.dumps(obj))


def from_json(text):
    import json
    # ok: pickle-c-module-load
    return json.loads(text)
