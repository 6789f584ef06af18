"""Store tables for scenarios: a named, dated, documented list of interventions per LA.

The readable TOML text is kept beside its parsed interventions, so what an officer wrote is
what is shown back, and a scenario can be written out as a file again unchanged.
"""

from __future__ import annotations

import sqlalchemy as sa

from highneeds.store.schema import metadata

scenarios = sa.Table(
    "hn_scenario",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # Whose scenario it is: the LA code.
    sa.Column("owner", sa.String(20), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("scenario_date", sa.Date, nullable=True),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("toml", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("saved_by", sa.String(150), nullable=True),
    sa.UniqueConstraint("owner", "name", name="uq_hn_scenario_owner_name"),
)

interventions = sa.Table(
    "hn_scenario_intervention",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "scenario_id",
        sa.Integer,
        sa.ForeignKey("hn_scenario.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("position", sa.Integer, nullable=False),  # 1, 2, … in the file's order
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("fields", sa.JSON, nullable=False),  # the intervention's other fields
    sa.UniqueConstraint("scenario_id", "position", name="uq_hn_scenario_intervention_pos"),
)
