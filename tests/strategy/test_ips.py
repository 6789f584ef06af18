"""The Investment Position Statement from public data: figures that add up, tables that pass
the small-number rules, and the document in three formats."""

import io

import numpy as np
import pandas as pd
import pytest

from highneeds.plan.inputs import resolve
from highneeds.strategy.document import render
from highneeds.strategy.ips import (
    CAPITAL_COST_PER_PLACE,
    investment_position,
    ips_document,
    published_phase_table,
    published_sufficiency,
)
from highneeds.suppression import SUPPRESSED, lone_hidden_cells

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def public_store(database_url):
    from highneeds.importers.dfe import bundled_release_path, import_release
    from highneeds.store import Store, schema

    store = Store(database_url)
    store.create_all()
    with store.engine.begin() as conn:  # what other modules' tests left in this database
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())
    import_release(store, bundled_release_path())
    return store


@pytest.fixture(scope="module")
def stockport(public_store, request):
    from highneeds.strategy.places import read_register

    from .conftest import REGISTER

    inputs = resolve(public_store, "Stockport")
    return investment_position(inputs, read_register(REGISTER), simulations=100, seed=3)


def test_places_and_capital_add_up(stockport):
    now = stockport.sufficiency.set_index(["funding_category", "year"])
    planned = stockport.with_plans.set_index(["funding_category", "year"])
    # The register plans 120 resourced places from 2025/26 and 80 special from 2026/27.
    assert (
        planned.loc[("resourced_provision", 2026), "places"]
        == now.loc[("resourced_provision", 2026), "places"] + 120
    )
    assert (
        planned.loc[("maintained_special", 2026), "places"]
        == now.loc[("maintained_special", 2026), "places"]
    )
    assert (
        planned.loc[("maintained_special", 2027), "places"]
        == now.loc[("maintained_special", 2027), "places"] + 80
    )
    # Demand does not depend on places; the same draws give the same forecast.
    np.testing.assert_allclose(planned["demand"], now["demand"])
    capital = stockport.capital.set_index("funding_category")
    special = capital.loc["maintained_special"]
    assert special["planned_places"] == 80
    assert special["capital_for_plans_gbp"] == 80 * CAPITAL_COST_PER_PLACE["maintained_special"]
    worst = -planned.loc["maintained_special", "gap"].min()
    assert special["shortfall_after_plans"] == max(0, round(worst))
    assert list(stockport.sufficiency["year"].unique()) == [2023, 2024, 2025, 2026, 2027]
    assert (
        (stockport.sufficiency["probability_short"] >= 0)
        & (stockport.sufficiency["probability_short"] <= 1)
    ).all()


def test_published_tables_pass_the_small_number_rules(public_store):
    """A very small LA: the Isles of Scilly's forecast by age band and type of place."""
    position = investment_position(resolve(public_store, "Isles of Scilly"), None, simulations=100)
    table = published_phase_table(position.demand_by_phase, position.last_year)
    hidden = table == SUPPRESSED
    assert hidden.to_numpy().any()  # a small LA has small cells to hide
    # A sum with one hidden member gives it back, unless that sum is 0 (nothing to protect:
    # a zero hidden only because its age band is small).
    for row, column in lone_hidden_cells(hidden):
        assert "0" in (table.loc["Total", column], table.loc[row, "Total"]), table.to_string()
    shown = table.where(~hidden).stack().dropna().astype(int)
    assert not ((shown > 0) & (shown < 5)).any()
    sufficiency = published_sufficiency(position.sufficiency)
    demand = sufficiency["Forecast children (mean)"]
    numbers = pd.to_numeric(demand, errors="coerce")
    assert not ((numbers > 0) & (numbers < 5)).any()
    # A hidden demand hides its gap, which would give it back.
    assert (sufficiency.loc[demand == SUPPRESSED, "Places less children"] == SUPPRESSED).all()


def test_document_in_three_formats(stockport):
    from docx import Document as Docx
    from pypdf import PdfReader

    document = ips_document(stockport)
    html = render(document, "html").decode()
    assert "Investment Position Statement" in html and "<script" not in html
    assert "_gbp" not in html and "funding_category" not in html and "nan" not in html.split()
    pdf = PdfReader(io.BytesIO(render(document, "pdf")))
    catalog = pdf.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "What we intend to commission" in text and "Capital cost per place" in text
    docx = Docx(io.BytesIO(render(document, "docx")))
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    assert "Places against forecast demand" in headings
    assert len(docx.tables) >= 5
    assert docx.tables[0].rows[0].cells[0].text == "Type of place"


def test_a_register_in_the_store_is_not_counted_twice(public_store, stockport):
    """With the register stored, resolve already holds its places; the IPS applies the register
    to the capacity before it, so its places are the same as with the register given alone."""
    from highneeds.importers.strategy import import_places
    from highneeds.plan.inputs import OWN
    from highneeds.strategy.places import read_register

    from .conftest import REGISTER

    import_places(public_store, REGISTER, la_code="356")
    inputs = resolve(public_store, "Stockport")
    assert inputs.sources["Capacity register"].kind == OWN
    again = investment_position(inputs, read_register(REGISTER), simulations=100, seed=3)
    pd.testing.assert_series_equal(again.sufficiency["places"], stockport.sufficiency["places"])
