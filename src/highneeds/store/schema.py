"""Core tables shared by every import: provenance of what was loaded, and when."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: Modules that declare tables on :data:`metadata`; imported by ``Store.create_all``.
SCHEMA_MODULES: list[str] = [
    "highneeds.store.schema",
    "highneeds.readers.dfe_schema",
    "highneeds.sen2.schema",
    "highneeds.finance.schema",
    "highneeds.strategy.schema",
]

imports = sa.Table(
    "hn_import",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # What was imported: "dfe_ehcp", "sen2", "finance", "capacity", ...
    sa.Column("kind", sa.String(40), nullable=False),
    # Whose data it is: an LA code for LA-owned files; "" for national public data.
    sa.Column("owner", sa.String(20), nullable=False, server_default=""),
    sa.Column("file_name", sa.String(500), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("release", sa.String(40), nullable=True),
    sa.Column("rows", sa.Integer, nullable=False, server_default="0"),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("imported_by", sa.String(150), nullable=True),
    sa.UniqueConstraint("kind", "owner", "sha256", name="uq_hn_import_kind_owner_sha"),
)

# Facts about this installation's store, by name: e.g. the fingerprint of the secret each LA's
# SEN2 returns were pseudonymised with (never the secret itself).
settings = sa.Table(
    "hn_setting",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("value", sa.String(500), nullable=False),
)
