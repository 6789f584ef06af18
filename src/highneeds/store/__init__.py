"""The one store: the app database (SQLite by default, PostgreSQL via ``DATABASE_URL``).

Core tables live on one SQLAlchemy ``MetaData`` (:data:`highneeds.store.schema.metadata`).
Each capability declares its tables in its own ``schema`` module and lists it in
:data:`highneeds.store.schema.SCHEMA_MODULES`; :meth:`Store.create_all` imports them all.
The Django web shell keeps its own tables (accounts, consultations) in the same database.
"""

from highneeds.store.engine import ImportResult, Store, file_sha256, open_store

__all__ = ["ImportResult", "Store", "file_sha256", "open_store"]
