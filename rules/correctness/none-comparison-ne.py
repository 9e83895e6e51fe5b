import pandas as pd


def has_owner(doc):
    # ruleid: none-comparison-ne
    return doc.owner != None


def first_set(*values):
    for v in values:
        # ruleid: none-comparison-ne
        if v != None:
            return v
    return None


def with_email(df: pd.DataFrame):
    # ok: none-comparison-ne
    return df[df.email != None]


def has_owner_ok(doc):
    # ok: none-comparison-ne
    return doc.owner is not None
