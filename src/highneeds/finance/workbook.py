"""Outputs a finance officer can paste into a Cabinet report: the DSG management plan layout
workbook (funding category × age band by year), scenario comparison tables and charts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from highneeds.finance.bundled import ATTRIBUTION
from highneeds.finance.costs import EMPTY_PLACES, default_note, reference_unit_costs
from highneeds.text import clean_frame, clean_text
from highneeds.vocabulary import AGE_BANDS, FUNDING_CATEGORIES

_CATEGORY_LABEL = {c.code: c.label for c in FUNDING_CATEGORIES}
_BAND_LABEL = {b.code: b.label for b in AGE_BANDS}
#: Rows without an age band: empty commissioned places and one-off capital.
_UNBANDED = {EMPTY_PLACES: "Empty commissioned places", "(capital)": "One-off capital"}
_CATEGORY_LABEL["capital"] = "Capital (one-off, outside the DSG)"


def management_plan_table(costed: pd.DataFrame, value: str = "cost_gbp") -> pd.DataFrame:
    """Mean ``value`` (pounds, or ``count`` for children) by funding category × age band
    (rows, in the DSG management plan's order, with a subtotal per category and a grand
    total) and year (columns). Per-simulation frames are averaged over simulations."""
    sims = costed["simulation"].nunique() if "simulation" in costed.columns else 1
    band = costed["age_band"].astype(object)
    band = band.where(band.notna(), costed["setting"].astype(object).map(_UNBANDED))
    frame = costed.assign(age_band=band.fillna("Age not recorded"))
    sums = (
        frame.groupby(["funding_category", "age_band", "year"], observed=True)[value].sum() / sims
    )
    table = sums.unstack("year").fillna(0.0)
    flags = frame.groupby(["funding_category", "age_band"], observed=True)[
        "uses_reference_default"
    ].any()
    rows = []
    categories = [c.code for c in FUNDING_CATEGORIES] + sorted(
        set(table.index.get_level_values(0)) - {c.code for c in FUNDING_CATEGORIES}
    )
    for category in categories:
        if category not in table.index.get_level_values(0):
            continue
        block = table.loc[category]
        order = [b.code for b in AGE_BANDS if b.code in block.index] + [
            b for b in block.index if b not in _BAND_LABEL
        ]
        label = _CATEGORY_LABEL.get(category, category)
        for band in order:
            flag = _flag(flags.get((category, band), False))
            rows.append((label, _BAND_LABEL.get(band, band), *block.loc[band].tolist(), flag))
        rows.append((label, "Total", *block.sum().tolist(), _flag(flags.loc[category].any())))
    rows.append(("All categories", "Total", *table.sum().tolist(), _flag(flags.any())))
    return pd.DataFrame(
        rows,
        columns=["Funding category", "Age band", *table.columns.tolist(), DEFAULT_COLUMN],
    )


#: Last column of every plan table: does the row rest on a national reference default?
DEFAULT_COLUMN = "Uses reference default unit cost"


def _flag(value: bool) -> str:
    return "yes" if bool(value) else ""


def write_plan_workbook(
    path: str | Path,
    costed: dict[str, pd.DataFrame],
    comparison: pd.DataFrame | None = None,
    position: pd.DataFrame | None = None,
    notes: list[str] | None = None,
    sources: pd.DataFrame | None = None,
) -> Path:
    """An XLSX with, per scenario, cost and caseload in the DSG management plan layout;
    the scenario comparison; the DSG position; place sufficiency (demand against commissioned
    places); notes (defaults used, sources); with ``sources`` (input, source, detail: see
    :meth:`highneeds.plan.inputs.PlanInputs.sources_table`), a sheet of every input's source
    and every assumption."""
    path = Path(path)
    all_notes = list(notes or [])
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        if comparison is not None:
            clean_frame(comparison).to_excel(writer, sheet_name="Scenario comparison", index=False)
        if position is not None:
            clean_frame(position).to_excel(writer, sheet_name="DSG position", index=False)
        gaps = [
            frame.attrs["sufficiency"].assign(scenario=name)
            for name, frame in costed.items()
            if "sufficiency" in frame.attrs
        ]
        if gaps:
            table = pd.concat(gaps, ignore_index=True)
            table = table[["scenario", *[c for c in table.columns if c != "scenario"]]]
            clean_frame(table).to_excel(writer, sheet_name="Place sufficiency", index=False)
        for number, (name, frame) in enumerate(costed.items(), 1):
            tag = clean_text(f"{number} {name}")[:21]  # sheet names: at most 31 characters
            management_plan_table(frame).to_excel(writer, sheet_name=f"{tag} cost", index=False)
            management_plan_table(frame, "count").to_excel(
                writer, sheet_name=f"{tag} children", index=False
            )
            note = default_note(frame)
            if note:
                all_notes.append(f"{name}: {note}")
        all_notes.append(ATTRIBUTION)
        notes_table = clean_frame(pd.DataFrame({"Notes": all_notes}))
        notes_table.to_excel(writer, sheet_name="Notes", index=False)
        if sources is not None:
            clean_frame(
                sources.rename(columns={"input": "Input", "source": "Source", "detail": "Detail"})
            ).to_excel(writer, sheet_name="Sources and assumptions", index=False)
        reference_unit_costs().to_excel(writer, sheet_name="Reference defaults", index=False)
    return path


def write_comparison_charts(comparison: pd.DataFrame, directory: str | Path) -> list[Path]:
    """PNG and SVG charts: annual cost by scenario (mean and 5–95% band), savings vs baseline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for metric, title, ylabel in (
        ("cost", "Annual High Needs cost by scenario", "£ million a year"),
        ("saving", "Saving against the baseline", "£ million a year"),
    ):
        fig, ax = plt.subplots(figsize=(8, 4.5), dpi=120)
        for name, rows in comparison.groupby("scenario", sort=False):
            if metric == "saving" and name == "Baseline":
                continue
            rows = rows.sort_values("year")
            style = "--" if name == "Baseline" else "-"
            ax.plot(rows["year"], rows[f"{metric}_gbp_mean"] / 1e6, style, marker="o", label=name)
            ax.fill_between(
                rows["year"],
                rows[f"{metric}_gbp_q05"] / 1e6,
                rows[f"{metric}_gbp_q95"] / 1e6,
                alpha=0.15,
            )
        ax.set_title(title + " (mean; band: 90% of simulations)")
        ax.set_xlabel("January census year")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(frameon=False)
        if comparison["uses_reference_default"].any():
            fig.text(0.01, 0.01, "Some unit costs are national reference defaults.", fontsize=7)
        fig.tight_layout()
        for suffix in ("png", "svg"):
            target = directory / f"{metric}_by_scenario.{suffix}"
            fig.savefig(target)
            written.append(target)
        plt.close(fig)
    return written
