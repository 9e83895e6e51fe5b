import datetime as dt
from datetime import datetime, timezone


def stamp():
    # ruleid: datetime-utcnow-deprecated
    return datetime.utcnow().isoformat()


def from_epoch(ts):
    # ruleid: datetime-utcnow-deprecated
    return dt.datetime.utcfromtimestamp(ts)


def stamp_ok():
    # ok: datetime-utcnow-deprecated
    return datetime.now(timezone.utc).isoformat()


def from_epoch_ok(ts):
    # ok: datetime-utcnow-deprecated
    return datetime.fromtimestamp(ts, tz=timezone.utc)
