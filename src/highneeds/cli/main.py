"""``highneeds``: the command line for LA analysts and batch work.

Every command is a thin shell: it parses options, calls the core and prints the result.
Errors a user can act on (:class:`highneeds.errors.HighneedsError`) are printed without a
traceback and end the command with exit code 1.
"""

from __future__ import annotations

import functools
import time
from collections.abc import MutableMapping
from importlib import import_module
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.status import Status
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

from highneeds import OGL_ATTRIBUTION
from highneeds.cli.output import (
    MISSING,
    Format,
    FormatOption,
    OutOption,
    Tables,
    console,
    emit,
    errors,
    fail,
)
from highneeds.errors import HighneedsError
from highneeds.reference.bundled import DEFAULT_MODEL as DEFAULT_NEIGHBOURS_MODEL
from highneeds.vocabulary import AGE_BANDS, SETTING_GROUPS

#: The sub-commands that live in their own modules, in the order ``highneeds --help`` lists
#: them: (name, module, attribute), the attribute a command function or a Typer app of
#: sub-commands. A module is imported only when one of its commands runs, or when help lists
#: every command, so ``highneeds forecast witan`` never loads SQLAlchemy, openpyxl or Django.
LAZY_COMMANDS = (
    ("synth", "highneeds.cli.synth", "synth"),
    ("backtest", "highneeds.cli.forecast", "backtest_command"),
    ("ips", "highneeds.cli.strategy", "ips"),
    ("pack", "highneeds.cli.strategy", "pack"),
    ("backup", "highneeds.cli.backup", "backup"),
    ("restore", "highneeds.cli.backup", "restore"),
)
LAZY_GROUPS = (
    ("sen2", "highneeds.cli.sen2", "app"),
    ("forecast", "highneeds.cli.forecast", "app"),
    ("finance", "highneeds.cli.finance", "app"),
    ("scenario", "highneeds.cli.scenario", "app"),
    ("consult", "highneeds.cli.consult", "app"),
    ("strategy", "highneeds.cli.strategy", "app"),
    ("places", "highneeds.cli.strategy", "places_app"),
)
_LAZY = {name: (module, attribute) for name, module, attribute in LAZY_COMMANDS + LAZY_GROUPS}


class _Commands(MutableMapping):
    """A group's commands by name, the lazy ones loaded when first looked up. Listing the
    names (help, a mistyped command's suggestions) loads nothing; ``items()`` loads all."""

    def __init__(self, group: TyperGroup, commands: dict) -> None:
        self.group = group
        self.loaded = dict(commands)

    def __getitem__(self, name: str):
        if name not in self.loaded:
            if name not in _LAZY:
                raise KeyError(name)
            self.loaded[name] = self._load(name)
        return self.loaded[name]

    def _load(self, name: str):
        module, attribute = _LAZY[name]
        target = getattr(import_module(module), attribute)
        short, markup = app.pretty_exceptions_short, self.group.rich_markup_mode
        if isinstance(target, typer.Typer):
            return get_group_from_info(
                TyperInfo(target, name=name),
                pretty_exceptions_short=short,
                rich_markup_mode=markup,
                suggest_commands=self.group.suggest_commands,
            )
        return get_command_from_info(
            CommandInfo(name=name, callback=target),
            pretty_exceptions_short=short,
            rich_markup_mode=markup,
        )

    def __setitem__(self, name: str, command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self.loaded[name]

    def __contains__(self, name: object) -> bool:
        return name in self.loaded or name in _LAZY

    def __iter__(self):
        """Commands first, then groups, as Typer lists them: this module's, then the lazy."""
        here = [name for name in self.loaded if name not in _LAZY]
        groups = [name for name in here if isinstance(self.loaded[name], TyperGroup)]
        yield from (name for name in here if name not in groups)
        yield from (name for name, _, _ in LAZY_COMMANDS)
        yield from groups
        yield from (name for name, _, _ in LAZY_GROUPS)

    def __len__(self) -> int:
        return len(set(self.loaded) | set(_LAZY))


class LazyCommands(TyperGroup):
    """The top-level group: the commands defined here, then :data:`LAZY_COMMANDS` and
    :data:`LAZY_GROUPS`, each module imported the first time its command is looked up."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.commands = _Commands(self, self.commands)

    def list_commands(self, ctx) -> list[str]:
        return list(self.commands)


app = typer.Typer(
    name="highneeds",
    help=(
        "Plan SEND support and High Needs funding for an English local authority: import DfE "
        "statistics and your SEN2 return, see your LA beside England, its region and its "
        "statistical neighbours, forecast EHCP demand, cost it, and compare scenarios."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    cls=LazyCommands,
)
data_app = typer.Typer(
    help="Import data into the store and list what is there.", no_args_is_help=True
)
la_app = typer.Typer(
    help="Local authorities: list them, or show one LA's EHCP overview.", no_args_is_help=True
)
app.add_typer(data_app, name="data")
app.add_typer(la_app, name="la")


def user_errors(func):
    """Turn user-facing errors into a one-line message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except HighneedsError as error:
            fail(str(error))

    return wrapper


def _store():
    from highneeds.store import open_store

    return open_store()


# ------------------------------------------------------------------------------------------ data


@data_app.command("import")
@user_errors
def data_import(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="DfE 'Education, health and care plans' release: zip as downloaded, or its folder."
        ),
    ] = None,
    bundled: Annotated[
        bool, typer.Option("--bundled", help="Import the DfE 2022 release shipped with highneeds.")
    ] = False,
) -> None:
    """Import DfE EHCP statistics (any release, either layout) into the store.

    Imports are atomic (all or nothing) and idempotent (the same file twice changes nothing).
    A newer release wins over an older one where their years overlap.
    """
    from highneeds.importers.dfe import bundled_release_path, import_release

    targets = list(paths or [])
    if bundled:
        targets.append(bundled_release_path())
    if not targets:
        fail("give a file or folder to import, or --bundled for the shipped DfE release")
    store = _store()
    for path in targets:
        started = time.perf_counter()
        with Status(f"Importing {path.name}…", console=errors):
            result = import_release(store, path)
        took = time.perf_counter() - started
        if result.already_imported:
            console.print(
                f"{path.name}: already imported (import {result.import_id}); nothing changed."
            )
        else:
            console.print(
                f"{path.name}: imported {result.rows:,} figures as import "
                f"{result.import_id} in {took:.1f} s."
            )


@data_app.command("list")
@user_errors
def data_list(fmt: FormatOption = Format.table, out: OutOption = None) -> None:
    """List every import in the store with its provenance (file, hash, release, when)."""
    frame = _store().imports()
    if frame.empty:
        console.print("The store is empty. Try: highneeds data import --bundled")
        return
    frame["sha256"] = frame["sha256"].str[:12]
    emit(frame.set_index("id"), fmt, out=out, title="Imports", labels=_IMPORT_LABELS)


_IMPORT_LABELS = {
    "id": "Import",
    "kind": "Kind",
    "file_name": "File",
    "sha256": "SHA-256 (start)",
    "release": "Release",
    "rows": "Figures",
    "imported_at": "Imported at",
    "imported_by": "Imported by",
    "owner": "Owner",
}


# -------------------------------------------------------------------------------------------- la


@la_app.command("list")
@user_errors
def la_list(
    region: Annotated[
        str | None, typer.Option(help="Only LAs in this region (name or code).")
    ] = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """List England's local authorities (upper tier) with their DfE codes and regions."""
    from highneeds import reference

    las = reference.las()
    las = las[las["current"]] if "current" in las else las
    if region:
        key = region.strip().lower()
        mask = las["region_name"].str.lower().str.contains(key, regex=False) | (
            las["region_code"].str.lower() == key
        )
        if not mask.any():
            regions = sorted(las["region_name"].dropna().unique())
            fail(f"no region matches {region!r}; regions are: {', '.join(regions)}")
        las = las[mask]
    columns = ["la_code", "la_name", "gss_code", "region_name"]
    emit(
        las[columns].sort_values("la_name").set_index("la_code"),
        fmt,
        out=out,
        title=f"Local authorities ({len(las)})",
        labels={
            "la_code": "DfE number",
            "la_name": "Local authority",
            "gss_code": "GSS code",
            "region_name": "Region",
        },
    )


@la_app.command("show")
@user_errors
def la_show(
    la: Annotated[str, typer.Argument(help="LA name or code, e.g. Stockport, 356, E08000007.")],
    year: Annotated[int | None, typer.Option(help="January census year (default: latest).")] = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
    neighbours: Annotated[
        str,
        typer.Option(
            help="Which of DfE's statistical neighbour models to compare with: 2021 or 2025 "
            f"(default {DEFAULT_NEIGHBOURS_MODEL}, the newer)."
        ),
    ] = DEFAULT_NEIGHBOURS_MODEL,
) -> None:
    """Show an LA's EHCP overview beside England, its region and its statistical neighbours.

    On the embedded store (no DATABASE_URL), the DfE release that ships with highneeds is
    loaded the first time if nothing has been imported yet.
    """
    show_overview(la, year=year, fmt=fmt, out=out, neighbours_model=neighbours)


_HISTORY_TABLES = (
    (
        "EHCPs by January census",
        ["ehcps", "growth_pct", "per_1000_aged_0_25", "new_plans", "issued_within_20_weeks_pct"],
    ),
    (
        "EHCPs by setting group, by January census",
        [group.code for group in SETTING_GROUPS],
    ),
    ("EHCPs by age band, by January census", [f"age_{band.code}" for band in AGE_BANDS]),
)


def _comparison_tables() -> tuple[tuple[str, list[str]], ...]:
    from highneeds.analysis.overview import SHARE_GROUPS  # SQLAlchemy: only when it is needed

    return (
        (
            "size, growth and timeliness",
            [
                "ehcps",
                "per_1000_aged_0_25",
                "growth_1y_pct",
                "growth_5y_pct",
                "new_plans",
                "issued_within_20_weeks_pct",
            ],
        ),
        (
            "where children are educated (% of EHCPs)",
            [f"{group}_pct" for group in SHARE_GROUPS],
        ),
    )


def _overview_long(overview) -> pd.DataFrame:
    """Both overview tables as one tidy table (section, area, January, measure, value) for
    csv and json: full values, a DfE symbol where DfE published one instead of a figure."""
    from highneeds.analysis.overview import LABELS

    def long(frame, symbols, id_vars):
        values = frame.reset_index().melt(id_vars=id_vars, var_name="measure")
        marks = symbols.reset_index().melt(id_vars=id_vars[:1], var_name="measure")
        values["value"] = values["value"].astype(object).where(values["value"].notna(), None)
        symbol = marks["value"].to_numpy()
        pairs = zip(values["value"], symbol, strict=True)
        values["value"] = [s if isinstance(s, str) else v for v, s in pairs]
        return values

    history = long(overview.history, overview.history_symbols, ["year"])
    history = history.assign(
        section="The LA by January census", area_code=overview.la_code, area=overview.la_name
    )
    comparison = long(overview.comparison, overview.comparison_symbols, ["area_code", "area"])
    comparison = comparison.assign(
        section="Beside its neighbours, region and England", year=overview.year
    )
    columns = ["section", "area_code", "area", "year", "measure", "value"]
    tidy = pd.concat([history[columns], comparison[columns]], ignore_index=True)
    tidy["measure"] = tidy["measure"].map(lambda code: LABELS.get(code, code))
    return tidy


def show_overview(
    la: str, *, year: int | None, fmt: Format, neighbours_model: str, out: Path | None = None
) -> None:
    from highneeds.analysis.overview import LABELS, overview_from_store
    from highneeds.suppression import symbol_legend

    store = _store()
    _load_bundled_if_empty(store)
    with Status("Reading statistics…", console=errors):
        overview = overview_from_store(store, la, year=year, neighbours_model=neighbours_model)
    name = f"{overview.la_name} ({overview.la_code})"
    tables = Tables(fmt, out)
    if tables.fmt not in (Format.table, Format.markdown):
        tables.add(
            _overview_long(overview),
            f"{name}, January {overview.year}",
            index=False,
            labels={**LABELS, "section": "Section", "measure": "Measure", "value": "Value"},
        )
    else:
        for title, columns in _HISTORY_TABLES:
            present = [c for c in columns if c in overview.history]
            if present:
                tables.add(
                    overview.history[present],
                    f"{name}: {title}",
                    labels=LABELS,
                    symbols=overview.history_symbols[present],
                    row_label=lambda year: f"January {year}",
                )
        where = (
            f"beside its statistical neighbours (DfE {overview.neighbours_model} model), "
            f"{overview.region_name} and England, January {overview.year}"
        )
        comparison = overview.comparison.set_index("area")
        symbols = overview.comparison_symbols.set_axis(comparison.index)
        for title, columns in _comparison_tables():
            tables.add(
                comparison[columns],
                f"{name} {where}: {title}",
                labels=LABELS,
                symbols=symbols[columns],
            )
        shown = [
            *overview.history_symbols.to_numpy().ravel(),
            *overview.comparison_symbols.to_numpy().ravel(),
        ]
        tables.note(symbol_legend(s for s in shown if isinstance(s, str)))
        tables.note(f"{MISSING} = not published, or not in the store")
    for note in overview.notes:
        tables.note(f"Note: {note}")
    tables.note(f"Source: DfE, Education, health and care plans. {OGL_ATTRIBUTION}")
    tables.show()


def _load_bundled_if_empty(store) -> None:
    """On the embedded store with no DfE release yet, load the one that ships with highneeds,
    saying so in one line, so a fresh install serves straight away."""
    from highneeds.importers.dfe import bundled_release_path, load_bundled_if_empty

    with Status("Loading the DfE release that ships with highneeds…", console=errors):
        result = load_bundled_if_empty(store)
    if result is not None:
        errors.print(
            f"The store had no DfE statistics, so highneeds loaded the release it ships with "
            f"({bundled_release_path().name}, {result.rows:,} figures, import {result.import_id}).",
            highlight=False,
        )


# ------------------------------------------------------------------------------------------ demo


@app.command()
@user_errors
def demo(
    la: Annotated[str, typer.Argument(help="LA to show.")] = "Stockport",
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Set up the embedded store with the bundled data and show a demo LA's overview."""
    from highneeds.importers.dfe import bundled_release_path, import_release

    store = _store()
    path = bundled_release_path()
    with Status("Loading the bundled DfE release…", console=errors):
        import_release(store, path)
    show_overview(la, year=None, fmt=fmt, neighbours_model=DEFAULT_NEIGHBOURS_MODEL, out=out)


if __name__ == "__main__":  # pragma: no cover
    app()
