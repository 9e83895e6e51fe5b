from sqlalchemy import select

from .models import User


def resolve(value, default):
    # ruleid: none-comparison-eq
    if value == None:
        return default
    # ruleid: none-comparison-eq
    missing = [k for k, v in value.items() if v == None]
    return missing


def active_users(session):
    # ok: none-comparison-eq
    return session.query(User).filter(User.deleted_at == None).all()


def active_users_2(session):
    # ok: none-comparison-eq
    return session.execute(select(User).where(User.deleted_at == None)).all()


def resolve_ok(value):
    # ok: none-comparison-eq
    return value is None
