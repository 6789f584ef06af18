"""Store tables for an LA's strategy and its places register (one current import of each per
LA: owner = the LA code). The strategy's TOML text is kept as written, so what an officer wrote
is what is shown back and can be downloaded again unchanged."""

from __future__ import annotations

import sqlalchemy as sa

from highneeds.store.schema import metadata

strategy_files = sa.Table(
    "hn_strategy",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("hn_import.id"), nullable=False, index=True),
    sa.Column("la_code", sa.String(20), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("toml", sa.Text, nullable=False),
)

places_register = sa.Table(
    "hn_places_register",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("hn_import.id"), nullable=False, index=True),
    sa.Column("la_code", sa.String(20), nullable=False),
    sa.Column("scheme", sa.String(300), nullable=False),
    sa.Column("funding_category", sa.String(40), nullable=False),
    sa.Column("designated_needs", sa.String(200), nullable=False, server_default=""),
    sa.Column("phase", sa.String(20), nullable=False, server_default=""),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("academic_year", sa.String(7), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),  # the January inside the academic year
    sa.Column("places", sa.Integer, nullable=False),
    sa.Column("source", sa.String(300), nullable=False, server_default=""),
)
