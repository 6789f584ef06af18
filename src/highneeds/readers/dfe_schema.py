"""Store table for DfE "Education, health and care plans" statistics in tidy long form."""

from __future__ import annotations

import sqlalchemy as sa

from highneeds.store.schema import metadata

#: Columns of the tidy table every DfE EHCP reader returns, in order.
TIDY_COLUMNS = [
    "release",  # reporting year of the release, e.g. "2022"
    "geographic_level",  # "national" | "regional" | "la"
    "area_code",  # LA: DfE 3-digit number ("356"); region/England: GSS code
    "area_gss",  # GSS code of the area ("E08000007")
    "area_name",
    "region_code",  # GSS code of the region holding the area (None for England)
    "year",  # January census year the figure belongs to (flows in calendar year Y -> Y + 1)
    "period",  # time_period as published ("2021", "202122")
    "measure",  # e.g. "caseload", "caseload_ehc", "new_plans", "requests"
    "setting",  # "total", a setting code, or "group:<setting group code>"
    "dimension",  # "total", "age_band", "age", "need", "sex", "ethnicity", ...
    "category",  # "total" or a vocabulary code within the dimension
    "value",  # float; NaN where DfE published a symbol
    "status",  # the DfE symbol (x, z, c, low, u) where value is NaN; else None
]

ehcp_stats = sa.Table(
    "hn_ehcp_stat",
    metadata,
    sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column(
        "import_id", sa.Integer, sa.ForeignKey("hn_import.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("release", sa.String(10), nullable=False),
    sa.Column("geographic_level", sa.String(10), nullable=False),
    sa.Column("area_code", sa.String(12), nullable=False),
    sa.Column("area_gss", sa.String(12)),
    sa.Column("area_name", sa.String(100), nullable=False),
    sa.Column("region_code", sa.String(12)),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("period", sa.String(10), nullable=False),
    sa.Column("measure", sa.String(60), nullable=False),
    sa.Column("setting", sa.String(60), nullable=False),
    sa.Column("dimension", sa.String(30), nullable=False),
    sa.Column("category", sa.String(80), nullable=False),
    sa.Column("value", sa.Float),
    sa.Column("status", sa.String(5)),
    sa.Index("ix_hn_ehcp_stat_area_measure", "area_code", "measure", "year"),
    sa.Index("ix_hn_ehcp_stat_import", "import_id"),
)
