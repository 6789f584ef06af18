"""Store tables for imported SEN2 returns: pseudonymised records and derived tables only.

No table has a column for a name, address, postcode, UPN, ULN or full birth date.
"""

from __future__ import annotations

import sqlalchemy as sa

from highneeds.store.schema import metadata


def _table(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column(
            "import_id",
            sa.Integer,
            sa.ForeignKey("hn_import.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("la_code", sa.String(3), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),  # January census year of the return
        *columns,
    )


persons = _table(
    "hn_sen2_person",
    sa.Column("child_id", sa.String(20), nullable=False),
    sa.Column("id_basis", sa.String(10)),
    sa.Column("birth_month", sa.String(7)),  # YYYY-MM
    sa.Column("ncy", sa.Integer),
    sa.Column("sex", sa.String(1)),
    sa.Column("ethnicity", sa.String(4)),
    sa.Column("upn_unknown", sa.String(4)),
)
states = _table(
    "hn_sen2_child_state",
    sa.Column("child_id", sa.String(20), nullable=False),
    sa.Column("ncy", sa.Integer),
    sa.Column("age_band", sa.String(10)),
    sa.Column("need", sa.String(10)),
    sa.Column("setting", sa.String(60)),
    sa.Column("setting_group", sa.String(30)),
)
events = _table(
    "hn_sen2_request",
    sa.Column("child_id", sa.String(20), nullable=False),
    sa.Column("ncy", sa.Integer),
    sa.Column("received_date", sa.Date),
    sa.Column("request_outcome", sa.String(1)),
    sa.Column("request_outcome_date", sa.Date),
    sa.Column("assessment_outcome", sa.String(1)),
    sa.Column("assessment_outcome_date", sa.Date),
    sa.Column("week20", sa.Integer),
    sa.Column("plan_start_date", sa.Date),
    sa.Column("cease_date", sa.Date),
    sa.Column("cease_reason", sa.String(2)),
)
caseload = _table(
    "hn_sen2_caseload",
    sa.Column("ncy", sa.Integer),
    sa.Column("age_band", sa.String(10)),
    sa.Column("need", sa.String(10)),
    sa.Column("setting", sa.String(60)),
    sa.Column("setting_group", sa.String(30)),
    sa.Column("children", sa.Integer, nullable=False),
)
funnel = _table(
    "hn_sen2_funnel",
    sa.Column("stage", sa.String(40), nullable=False),
    sa.Column("children", sa.Integer, nullable=False),
)
timeliness = _table(
    "hn_sen2_timeliness",
    sa.Column("exceptions", sa.String(10), nullable=False),
    sa.Column("plans_issued", sa.Integer),
    sa.Column("within_20_weeks", sa.Integer),
    sa.Column("weeks_20_to_52", sa.Integer),
    sa.Column("over_52_weeks", sa.Integer),
    sa.Column("rate_20_weeks", sa.Float),
)
ceased = _table(
    "hn_sen2_ceased",
    sa.Column("cease_reason", sa.String(10)),
    sa.Column("children", sa.Integer, nullable=False),
)
transitions = _table(
    "hn_sen2_transition",
    sa.Column("child_id", sa.String(20), nullable=False),
    sa.Column("ncy_from", sa.Integer),
    sa.Column("need_from", sa.String(10)),
    sa.Column("setting_from", sa.String(60)),
    sa.Column("ncy_to", sa.Integer),
    sa.Column("need_to", sa.String(10)),
    sa.Column("setting_to", sa.String(60)),
    sa.Column("leave_reason", sa.String(2)),
)
