"""A forecast's simulations and the tidy tables made from them.

Breakdowns are summed per simulation before quantiles are taken (quantiles do not add up),
so the total's interval is the interval of the total, not a sum of intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from highneeds import vocabulary
from highneeds.errors import ModelInputError
from highneeds.forecast.engine import Path
from highneeds.forecast.states import StateSpace

#: Quantile columns of every forecast table, as (column name, probability).
QUANTILES: tuple[tuple[str, float], ...] = (
    ("q2.5", 0.025),
    ("q10", 0.10),
    ("q25", 0.25),
    ("median", 0.50),
    ("q75", 0.75),
    ("q90", 0.90),
    ("q97.5", 0.975),
)
STAT_COLUMNS = ("expected", "mean", "std", *(name for name, _ in QUANTILES))
DIMENSIONS = ("ncy", "age_band", "need", "setting", "setting_group")


def sorted_draws(draws: np.ndarray) -> np.ndarray:
    """Draws (S, ...) sorted along the simulations, returned with simulations LAST.

    Sorting a contiguous last axis is several times faster than a strided first axis.
    """
    ordered = np.ascontiguousarray(np.moveaxis(draws, 0, -1))
    ordered.sort(axis=-1)
    return ordered


def summarise_draws(draws: np.ndarray) -> dict[str, np.ndarray]:
    """Mean, standard deviation and quantiles over axis 0 (the simulations)."""
    return summarise_sorted(sorted_draws(draws))


#: Rows of draws whose deviations are worked out together in :func:`moments`: a few hundred
#: kilobytes of float64 at 1,000 simulations, so they stay in the processor's cache.
_MOMENT_ROWS = 64


def moments(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sum of squared deviations from it over the last axis (the simulations).

    The same arithmetic as ``ndarray.mean`` and ``ndarray.std``, row by row (so the same
    numbers to the last bit), a block of rows at a time instead of one float64 copy of all
    the draws; the standard deviation is ``sqrt(ssq / (n - ddof))``.
    """
    rows = ordered.reshape(-1, ordered.shape[-1])
    mean = np.empty(len(rows))
    ssq = np.empty(len(rows))
    for start in range(0, len(rows), _MOMENT_ROWS):
        block = rows[start : start + _MOMENT_ROWS]
        block_mean = block.mean(axis=-1, keepdims=True)
        deviation = np.subtract(block, block_mean, dtype=np.float64)
        np.square(deviation, out=deviation)
        mean[start : start + len(block)] = block_mean[:, 0]
        ssq[start : start + len(block)] = deviation.sum(axis=-1)
    shape = ordered.shape[:-1]
    return mean.reshape(shape), ssq.reshape(shape)


def summarise_sorted(
    ordered: np.ndarray, moment: tuple[np.ndarray, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """:func:`summarise_draws` of draws already sorted by :func:`sorted_draws`; ``moment``
    is their :func:`moments` if already worked out."""
    n = ordered.shape[-1]
    mean, ssq = moments(ordered) if moment is None else moment
    std = np.sqrt(ssq / (n - 1)) if n > 1 else np.zeros_like(mean)
    out = {"mean": mean, "std": std}
    for name, q in QUANTILES:
        pos = q * (n - 1)
        lo = int(np.floor(pos))
        hi = min(lo + 1, n - 1)
        frac = pos - lo
        out[name] = ordered[..., lo] * (1 - frac) + ordered[..., hi] * frac
    return out


#: Largest floating-point copy of the counts :func:`_product` makes at a time (bytes).
_PRODUCT_BYTES = 32 * 2**20


def _product(counts: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``counts @ matrix`` in ``matrix``'s floating-point type, the counts converted into a
    float buffer of at most :data:`_PRODUCT_BYTES` at a time: at 1,000 simulations the
    float32 counts in one piece (one product), float64 in two. Each row's sum is added up as
    in one product. (Smaller blocks mean more calls into the threaded BLAS, each of which
    waits for its second thread: far slower on a busy machine.)"""
    rows = max(1, _PRODUCT_BYTES // (counts.shape[1] * matrix.dtype.itemsize))
    out = np.empty((len(counts), matrix.shape[1]), dtype=matrix.dtype)
    buffer = np.empty((min(len(counts), rows), counts.shape[1]), dtype=matrix.dtype)
    for start in range(0, len(counts), rows):
        block = buffer[: len(counts[start : start + rows])]
        block[...] = counts[start : start + len(block)]
        np.matmul(block, matrix, out=out[start : start + len(block)])
    return out


def _weight_key(weight: np.ndarray | None) -> bytes | None:
    return None if weight is None else np.ascontiguousarray(weight).tobytes()


@dataclass
class ForecastResult:
    """Simulated and expected caseloads of one forecast run."""

    space: StateSpace
    simulated: Path
    expected: Path
    age_band_of_ncy: Callable[[int], str] = vocabulary.age_band_of_ncy
    #: A scenario's run only: the baseline's exact expected path.
    baseline_expected: Path | None = None
    #: Breakdowns already computed (draws and sorted draws), so the tables, witan.send's
    #: files and the costs each sum and sort the simulations once.
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def coupled_baseline(self) -> ForecastResult:
        """The baseline simulated jointly with this scenario (the same draws), or ``self``
        when this run has no adjustment."""
        if self.simulated.coupled_baseline is None:
            return self
        return ForecastResult(
            space=self.space,
            simulated=self.simulated.coupled_baseline,
            expected=self.baseline_expected or self.expected,
            age_band_of_ncy=self.age_band_of_ncy,
        )

    @property
    def years(self) -> np.ndarray:
        return self.simulated.years

    @property
    def simulations(self) -> int:
        return self.simulated.stock.shape[0]

    def cell_labels(self) -> pd.DataFrame:
        labels = self.space.state_labels()
        band = {n: self.age_band_of_ncy(int(n)) for n in labels["ncy"].unique()}  # once per NCY
        labels["age_band"] = [band[n] for n in labels["ncy"]]
        return labels

    def _used_cells(self) -> np.ndarray:
        # Cells never occupied in any simulation nor in expectation add nothing to any row.
        # (finance.projection sets ``_used`` for a while to the union of several worlds')
        if not hasattr(self, "_used"):
            self._used = self.simulated.stock.any(axis=(0, 1)) | (self.expected.stock[0] > 0).any(
                axis=0
            )
        return self._used

    def _cache_key(self, *parts) -> tuple:
        """A cache key that also names the used cells (they set the rows of a breakdown)."""
        return (*parts, np.packbits(self._used_cells()).tobytes())

    def _used_counts(self) -> np.ndarray:
        """(S × T, used cells) simulated counts, taken out of the stock once for every
        breakdown."""
        key = self._cache_key("used_counts")
        if key not in self._cache:
            # np.take copies whole runs along the last axis: several times faster here than
            # indexing stock[:, :, cells]
            stock = np.take(self.simulated.stock, np.flatnonzero(self._used_cells()), axis=2)
            self._cache[key] = stock.reshape(-1, stock.shape[2])
        return self._cache[key]

    def _groups(self, by: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
        unknown = [b for b in by if b not in DIMENSIONS]
        if unknown:
            raise ValueError(f"cannot break a forecast down by {unknown}; choose from {DIMENSIONS}")
        used = self._used_cells()
        cells = np.flatnonzero(used)
        if not by:
            return pd.DataFrame(index=[0]), np.where(used, 0, -1)
        if "labels" not in self._cache:
            self._cache["labels"] = self.cell_labels()  # the grid's labels never change
        keys = self._cache["labels"].loc[cells, list(by)]
        codes = keys.groupby(list(by), sort=True).ngroup().to_numpy()
        uniques = keys.drop_duplicates().sort_values(list(by)).reset_index(drop=True)
        group = np.full(len(used), -1, dtype=np.int64)
        group[cells] = codes
        return uniques, group

    def _aggregate(
        self, stock: np.ndarray, group: np.ndarray, n_groups: int, weight: np.ndarray | None = None
    ) -> np.ndarray:
        """Sum cells (times ``weight``, e.g. cost per child) into groups: (S, T, G)."""
        cells = np.flatnonzero(group >= 0)
        flat = stock[:, :, cells].reshape(-1, len(cells))
        codes = group[cells]
        S, T = stock.shape[:2]
        if weight is None and n_groups == len(cells):
            out = np.empty((S * T, n_groups), dtype=stock.dtype)
            out[:, codes] = flat  # one cell per group: no sums needed
            return out.reshape(S, T, n_groups)
        dtype = np.float32 if weight is None else np.float64  # counts are exact in float32
        matrix = np.zeros((len(cells), n_groups), dtype=dtype)
        matrix[np.arange(len(cells)), codes] = 1.0 if weight is None else weight[cells]
        return (flat.astype(dtype, copy=False) @ matrix).reshape(S, T, n_groups)

    def _aggregate_simulated(
        self, groups: Sequence[tuple[np.ndarray, int]], weight: np.ndarray | None
    ) -> list[np.ndarray]:
        """:meth:`_aggregate` of the simulations for several breakdowns (group, number of
        groups) at once: counts of children as int32 (S, T, G), pounds as float64.

        Breakdowns with one cell per group (the state) are the counts themselves; the others
        come from one product for every breakdown, so the simulations are read once: in
        float32 for counts (exact, so they equal separate sums), in float64 for pounds (the
        same sums, added up in one call of the BLAS instead of one per breakdown).
        """
        used = np.flatnonzero(self._used_cells())
        S, T = self.simulated.stock.shape[:2]
        out: list[np.ndarray | None] = [None] * len(groups)
        summed = []
        for i, (group, n_groups) in enumerate(groups):
            codes = group[used]  # every used cell has a group (:meth:`_groups`)
            if weight is None and n_groups == len(used):
                counts = self._used_counts()
                if not np.array_equal(codes, np.arange(n_groups)):
                    ordered = np.empty_like(counts)
                    ordered[:, codes] = counts
                    counts = ordered
                out[i] = counts.reshape(S, T, n_groups)
            else:
                summed.append((i, codes, n_groups))
        if summed:
            width = sum(n for _, _, n in summed)
            matrix = np.zeros((len(used), width), dtype=np.float32 if weight is None else float)
            value = 1.0 if weight is None else weight[used]
            start = 0
            for _, codes, n_groups in summed:
                matrix[np.arange(len(used)), start + codes] = value
                start += n_groups
            sums = _product(self._used_counts(), matrix)
            if weight is None:
                sums = np.rint(sums).astype(np.int32)  # counts of children; sorts faster
            start = 0
            for i, _, n_groups in summed:
                out[i] = sums[:, start : start + n_groups].reshape(S, T, n_groups)
                start += n_groups
        return out

    def summary(self, by: Sequence[str] = ()) -> pd.DataFrame:
        """Tidy table: year, the ``by`` columns, expected, mean, std, median and quantiles.

        ``by=()`` gives the total caseload; e.g. ``("setting_group",)`` or
        ``("ncy", "need", "setting")`` (one row per state that is ever occupied).
        """
        keys, ordered, exp = self.sorted_draws(by)
        return self._table(keys, ordered, exp, self.draw_moments(by))

    def sorted_draws(
        self, by: Sequence[str] = (), cell_weight: np.ndarray | None = None
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """Like :meth:`draws`, but the simulations sorted and last: (T, G, S)
        (:func:`sorted_draws`), computed once per breakdown."""
        key = self._cache_key("sorted", tuple(by), _weight_key(cell_weight))
        if key not in self._cache:
            keys, sims, exp = self.draws(by, cell_weight)
            self._cache[key] = (keys, sorted_draws(sims), exp)
        return self._cache[key]

    def draws(
        self, by: Sequence[str] = (), cell_weight: np.ndarray | None = None
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """Group labels, simulated (S, T, G) and expected (T, G) sums for a breakdown.

        ``cell_weight`` multiplies each cell (e.g. :meth:`cost_per_cell` for pounds).
        Computed once per breakdown; treat the arrays as read-only.
        """
        return self.draws_many([by], cell_weight)[0]

    def draws_many(
        self, breakdowns: Sequence[Sequence[str]], cell_weight: np.ndarray | None = None
    ) -> list[tuple[pd.DataFrame, np.ndarray, np.ndarray]]:
        """:meth:`draws` of several breakdowns, the ones not yet computed summed together
        (the simulations are read once for all of them)."""
        weight_key = _weight_key(cell_weight)
        bys = [tuple(by) for by in breakdowns]
        wanted = [self._cache_key("draws", by, weight_key) for by in bys]
        todo = {key: by for key, by in zip(wanted, bys, strict=True) if key not in self._cache}
        if todo:
            grouped = [self._groups(by) for by in todo.values()]
            sims = self._aggregate_simulated(
                [(group, len(keys)) for keys, group in grouped], cell_weight
            )
            for key, (keys, group), simulated in zip(todo, grouped, sims, strict=True):
                expected = self._aggregate(self.expected.stock, group, len(keys), cell_weight)
                self._cache[key] = (keys, simulated, expected[0])
        return [self._cache[key] for key in wanted]

    def draw_moments(
        self, by: Sequence[str] = (), cell_weight: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """:func:`moments` of a breakdown's sorted draws (T, G), worked out once for our
        tables and witan.send's."""
        key = self._cache_key("moments", tuple(by), _weight_key(cell_weight))
        if key not in self._cache:
            self._cache[key] = moments(self.sorted_draws(by, cell_weight)[1])
        return self._cache[key]

    def _table(
        self,
        keys: pd.DataFrame,
        ordered: np.ndarray,
        expected: np.ndarray,
        moment: tuple[np.ndarray, np.ndarray],
    ) -> pd.DataFrame:
        """The tidy table of one breakdown from its sorted draws (:meth:`sorted_draws`)."""
        stats = summarise_sorted(ordered, moment)
        stats["expected"] = expected
        n_groups = len(keys)
        return pd.DataFrame(
            {
                "year": np.repeat(self.years, n_groups),
                **{c: np.tile(keys[c].to_numpy(), len(self.years)) for c in keys.columns},
                **{c: stats[c].reshape(-1) for c in STAT_COLUMNS},
            }
        )

    def flows_summary(self) -> pd.DataFrame:
        """Joiners and leavers (children) during each projected year, leavers also by reason
        ("left", "aged_out", "no_valid_setting"); ``year`` is the January the year ends in."""
        sim, exp = self.simulated, self.expected
        flows = [("joiners", sim.joiners, exp.joiners), ("leavers", sim.leavers, exp.leavers)]
        if sim.leavers_by_reason and exp.leavers_by_reason:
            flows += [
                (f"leavers_{reason}", sim.leavers_by_reason[reason], exp.leavers_by_reason[reason])
                for reason in sim.leavers_by_reason
            ]
        frames = []
        for name, draws, expected in flows:
            stats = summarise_draws(draws)
            stats["expected"] = expected[0]
            frames.append(
                pd.DataFrame(
                    {"year": self.years[1:], "flow": name, **{c: stats[c] for c in STAT_COLUMNS}}
                )
            )
        return pd.concat(frames, ignore_index=True)

    def total_draws(self) -> np.ndarray:
        """(S, T) total caseload of each simulation and year."""
        return self.simulated.stock.sum(axis=2, dtype=np.int64)

    # -- costs -----------------------------------------------------------------------------

    def cost_per_cell(self, costs: pd.DataFrame) -> np.ndarray:
        """Cost per child per year (pounds) for each grid cell from a need × setting table.

        ``costs`` has columns need, setting, cost. Every need-setting pair the model can
        place a child in must have a cost; a missing one raises ModelInputError (a silent
        zero would understate the budget).
        """
        for column in ("need", "setting", "cost"):
            if column not in costs.columns:
                raise ModelInputError(f"costs: missing column {column!r}")
        values = pd.to_numeric(costs["cost"], errors="coerce")
        if values.isna().any():
            pos = int(values.isna().to_numpy().nonzero()[0][0])
            raise ModelInputError(f"costs, row {pos + 2}, column 'cost': not a number")
        lookup = {
            (str(n), str(s)): float(v)
            for n, s, v in zip(costs["need"], costs["setting"], values, strict=True)
        }
        space = self.space
        pair_cost = np.zeros(space.n_pairs)
        missing = []
        for n_i, need in enumerate(space.needs):
            for m_i, setting in enumerate(space.settings):
                k = n_i * len(space.settings) + m_i
                if not space.pair_allowed[n_i, m_i]:
                    continue
                if (need, setting) in lookup:
                    pair_cost[k] = lookup[(need, setting)]
                else:
                    missing.append(f"{need}/{setting}")
        if missing:
            raise ModelInputError(
                "costs: no cost for need/setting "
                + ", ".join(missing[:10])
                + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
                + "; add a row (need, setting, cost in pounds per child per year) for each"
            )
        return np.tile(pair_cost, space.n_ncy)

    def cost_summary(self, costs: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
        """Like :meth:`summary` but in pounds per year (cost per child × caseload)."""
        weight = self.cost_per_cell(costs)
        keys, ordered, exp = self.sorted_draws(by, weight)
        return self._table(keys, ordered, exp, self.draw_moments(by, weight))
