"""Declarative base shared by every opDB model.

The naming convention reproduces PostgreSQL's own default constraint names
(``<table>_pkey``, ``<table>_<cols>_fkey``, ``<table>_<cols>_key``), which is what the
live opDB carries; migrations generated from these models therefore address the
same constraints as the ones already in the summit database.
"""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "pk": "%(table_name)s_pkey",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "ck": "%(table_name)s_%(constraint_name)s_check",
}


class Base(DeclarativeBase):
    """Root of every opDB table class; its ``metadata`` is the whole schema."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
