"""Money and places: High Needs costs, the DSG position, place sufficiency and scenarios.

- :mod:`~highneeds.finance.published`: readers of DfE's published money files, as published.
- :mod:`~highneeds.finance.bundled`: the tidy tables shipped in ``data/finance``.
- :mod:`~highneeds.finance.benchmark`: an LA's published spend beside neighbours and England.
- :mod:`~highneeds.finance.templates`: unit-cost, budget and capacity templates and readers.
- :mod:`~highneeds.finance.costs`: caseload × unit cost (place funding, top-up, defaults).
- :mod:`~highneeds.finance.caseload`: caseload frames from a forecast's simulations.
- :mod:`~highneeds.finance.dsg`: allocation growth, DSG balance, S251 mapping, reconciliation.
- :mod:`~highneeds.finance.sufficiency`: demand against places; the capacity constraint.
- :mod:`~highneeds.finance.scenarios`: TOML scenarios (read, write, check; caseload-frame path).
- :mod:`~highneeds.finance.projection`: scenarios run on the forecast (early help on joiners,
  redirected placements) jointly with the baseline; constraint and costs on NumPy arrays.
- :mod:`~highneeds.finance.schema`, :mod:`~highneeds.finance.scenario_store`: scenarios
  saved per LA in the store.
- :mod:`~highneeds.finance.workbook`: DSG management plan layout workbook and charts.
- :mod:`~highneeds.finance.demo`: the demo LA's shipped files, loaded into the store through
  the importers (then read like any LA).
- :mod:`~highneeds.finance.la_inputs`: the web's entry points, on the one path of
  :mod:`highneeds.plan` (any LA's inputs resolved in a stated order, then its plan).

The core never imports Django; money is in pounds, years are January census years (forecast)
or UK financial years ("2024-25").
"""
