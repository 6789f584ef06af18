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


# An LA's own filled templates (highneeds.finance.templates), one current import per kind and
# LA (owner = LA code). Columns mirror the template's, plus ``source_row`` (the spreadsheet row
# the figure came from, so later messages can point back to it). Money in pounds a year.


def _template_table(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "import_id", sa.Integer, sa.ForeignKey("hn_import.id"), nullable=False, index=True
        ),
        sa.Column("la_code", sa.String(20), nullable=False, index=True),
        *columns,
        sa.Column("source_row", sa.Integer, nullable=False),
    )


unit_costs = _template_table(
    "hn_finance_unit_cost",
    sa.Column("funding_category", sa.String(40), nullable=False),
    sa.Column("setting", sa.String(40), nullable=True),
    sa.Column("need", sa.String(20), nullable=True),
    sa.Column("age_band", sa.String(20), nullable=True),
    sa.Column("place_funding_gbp", sa.Float, nullable=True),
    sa.Column("top_up_gbp", sa.Float, nullable=True),
    sa.Column("additional_support_gbp", sa.Float, nullable=True),
    sa.Column("source", sa.Text, nullable=True),
)

budget_lines = _template_table(
    "hn_finance_budget_line",
    sa.Column("s251_line", sa.String(20), nullable=False),
    sa.Column("statement", sa.String(20), nullable=False),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("amount_gbp", sa.Float, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("financial_year", sa.String(7), nullable=False),
)

budget_allocation = _template_table(
    "hn_finance_allocation",
    sa.Column("financial_year", sa.String(7), nullable=False),
    sa.Column("allocation_gbp", sa.Float, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
)

capacity = _template_table(
    "hn_finance_capacity",
    sa.Column("provision", sa.String(300), nullable=False),
    sa.Column("funding_category", sa.String(40), nullable=False),
    sa.Column("designated_needs", sa.String(300), nullable=True),
    sa.Column("min_ncy", sa.Integer, nullable=True),
    sa.Column("max_ncy", sa.Integer, nullable=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("places", sa.Float, nullable=False),
)
