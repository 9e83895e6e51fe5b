from fastapi import Depends, FastAPI
from sqlalchemy import literal_column, select, text
from sqlalchemy.orm import Session

from .db import get_session, users

api = FastAPI()
SORTABLE = {"name", "email"}


@api.get("/users")
def list_users(name: str, session: Session = Depends(get_session)):
    # ruleid: sqli-tainted-sqlalchemy
    return session.execute(text(f"SELECT * FROM users WHERE name = '{name}'")).all()


@api.get("/users/sorted")
def sorted_users(order: str, session: Session = Depends(get_session)):
    # ruleid: sqli-tainted-sqlalchemy
    return session.execute(select(users).order_by(literal_column(order))).all()


@api.get("/users/safe")
def list_users_safe(name: str, session: Session = Depends(get_session)):
    # ok: sqli-tainted-sqlalchemy
    return session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name}).all()


@api.get("/users/sorted-safe")
def sorted_users_safe(order: str, session: Session = Depends(get_session)):
    if order not in SORTABLE:
        raise ValueError(order)
    # ok: sqli-tainted-sqlalchemy
    return session.execute(select(users).order_by(literal_column(order))).all()
