"""The state space of the child-level model: NCY × need × setting, as dense arrays.

A state is indexed by ``a`` (NCY minus the lowest NCY) and ``k = need_index * M + setting_index``,
so a year's caseload is an ``(A, K)`` array and every model step is array arithmetic.

Valid states come from a valid-states table (the settings, the NCY range each serves, the needs
it takes and the settings a child may move on to) or, without one, from the transitions
themselves with age limits from :mod:`highneeds.vocabulary` where a label is a vocabulary code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from highneeds import vocabulary
from highneeds.errors import ModelInputError
from highneeds.forecast import transitions as tr

#: Columns of the generic valid-states table (the witan reader converts its file to this).
VALID_STATE_COLUMNS = ("setting", "setting_group", "min_ncy", "max_ncy", "needs", "moves_to")


@dataclass(frozen=True, eq=False)
class StateSpace:
    """Labels, age limits and allowed moves. Arrays are read-only views of the grid."""

    needs: tuple[str, ...]
    settings: tuple[str, ...]
    setting_groups: tuple[str, ...]  # one per setting
    setting_min_ncy: np.ndarray  # (M,) int
    setting_max_ncy: np.ndarray  # (M,) int
    pair_allowed: np.ndarray  # (N, M) bool: need-setting combinations in the model
    move_allowed: np.ndarray  # (M, M) bool: setting -> setting moves allowed
    ncy_min: int = vocabulary.NCY_MIN
    ncy_max: int = vocabulary.NCY_MAX

    @property
    def n_ncy(self) -> int:
        return self.ncy_max - self.ncy_min + 1

    @property
    def n_pairs(self) -> int:
        return len(self.needs) * len(self.settings)

    @property
    def ncys(self) -> np.ndarray:
        return np.arange(self.ncy_min, self.ncy_max + 1)

    @property
    def valid(self) -> np.ndarray:
        """(A, K) bool: the state exists (pair allowed and NCY within the setting's range)."""
        ncy = self.ncys[:, None]
        in_range = (ncy >= self.setting_min_ncy[None, :]) & (ncy <= self.setting_max_ncy[None, :])
        return (self.pair_allowed[None, :, :] & in_range[:, None, :]).reshape(
            self.n_ncy, self.n_pairs
        )

    def pair_need(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.needs)), len(self.settings))

    def pair_setting(self) -> np.ndarray:
        return np.tile(np.arange(len(self.settings)), len(self.needs))

    def state_labels(self) -> pd.DataFrame:
        """One row per grid cell (A*K rows): ncy, need, setting, setting_group."""
        a, k = np.divmod(np.arange(self.n_ncy * self.n_pairs), self.n_pairs)
        setting_index = self.pair_setting()[k]
        return pd.DataFrame(
            {
                "ncy": self.ncys[a],
                "need": np.asarray(self.needs, dtype=object)[self.pair_need()[k]],
                "setting": np.asarray(self.settings, dtype=object)[setting_index],
                "setting_group": np.asarray(self.setting_groups, dtype=object)[setting_index],
            }
        )

    # -- indexing --------------------------------------------------------------------------

    def pair_index(
        self, needs: pd.Series, settings: pd.Series, *, source: str, columns: tuple[str, str]
    ) -> np.ndarray:
        """Index k of each (need, setting); -1 where both are missing. Unknown labels raise."""
        need_pos = {n: i for i, n in enumerate(self.needs)}
        setting_pos = {s: i for i, s in enumerate(self.settings)}
        # Each distinct label is looked up once (the labels are factorised in C), not each row.
        need_at = _positions(needs, need_pos)
        setting_at = _positions(settings, setting_pos)
        held = np.fromiter((need is not None for need in needs), dtype=bool, count=len(needs))
        unknown = held & (np.isnan(need_at) | np.isnan(setting_at))
        if unknown.any():
            pos = int(np.flatnonzero(unknown)[0])
            need, setting = needs.iloc[pos], settings.iloc[pos]
            if setting not in setting_pos:
                raise ModelInputError(
                    f"{source}, row {pos + 2}, column {columns[1]!r}: unknown setting "
                    f"{setting!r}; known settings: {', '.join(self.settings)} "
                    "(add it to the valid states or correct the label)"
                )
            raise ModelInputError(
                f"{source}, row {pos + 2}, column {columns[0]!r}: unknown need {need!r}; "
                f"known needs: {', '.join(self.needs)}"
            )
        k = need_at * len(self.settings) + setting_at
        return np.where(held, np.nan_to_num(k, nan=-1.0), -1).astype(np.int64)

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def from_valid_states(
        cls, table: pd.DataFrame, *, needs: tuple[str, ...] | None = None
    ) -> StateSpace:
        """Build from a valid-states table with :data:`VALID_STATE_COLUMNS`.

        ``needs`` and ``moves_to`` are lists (or comma-separated strings) of labels.
        """
        missing = [c for c in VALID_STATE_COLUMNS if c not in table.columns]
        if missing:
            raise ModelInputError(f"valid states: missing column(s) {', '.join(missing)}")
        rows = table.reset_index(drop=True)
        settings = tuple(str(s) for s in rows["setting"])
        if len(set(settings)) != len(settings):
            raise ModelInputError("valid states: a setting is listed twice")
        listed_needs = [_labels(v) for v in rows["needs"]]
        all_needs = needs or tuple(sorted({n for group in listed_needs for n in group}))
        need_pos = {n: i for i, n in enumerate(all_needs)}
        setting_pos = {s: i for i, s in enumerate(settings)}
        pair = np.zeros((len(all_needs), len(settings)), dtype=bool)
        moves = np.zeros((len(settings), len(settings)), dtype=bool)
        for m, row in rows.iterrows():
            for need in listed_needs[m]:
                pair[need_pos[need], m] = True
            for target in _labels(row["moves_to"]):
                if target not in setting_pos:
                    raise ModelInputError(
                        f"valid states, row {m + 2}, column 'moves_to': setting {target!r} "
                        "is not itself listed as a setting"
                    )
                moves[m, setting_pos[target]] = True
        min_ncy = rows["min_ncy"].astype(int).to_numpy()
        max_ncy = rows["max_ncy"].astype(int).to_numpy()
        bad = (min_ncy < vocabulary.NCY_MIN) | (max_ncy > vocabulary.NCY_MAX) | (min_ncy > max_ncy)
        if bad.any():
            m = int(bad.nonzero()[0][0])
            raise ModelInputError(
                f"valid states, row {m + 2}: NCY range {min_ncy[m]}..{max_ncy[m]} of setting "
                f"{settings[m]!r} is outside {vocabulary.NCY_MIN}..{vocabulary.NCY_MAX}"
            )
        return cls(
            needs=tuple(all_needs),
            settings=settings,
            setting_groups=tuple(str(g) for g in rows["setting_group"]),
            setting_min_ncy=min_ncy,
            setting_max_ncy=max_ncy,
            pair_allowed=pair,
            move_allowed=moves,
        )

    @classmethod
    def from_transitions(cls, transitions: pd.DataFrame) -> StateSpace:
        """Infer the space from clean transitions: labels and need-setting pairs seen there.

        Age limits and groups come from the vocabulary for vocabulary setting codes; other
        labels serve the whole plan age range and form their own group.
        """
        needs = sorted(
            set(transitions[tr.NEED_FROM].dropna()) | set(transitions[tr.NEED_TO].dropna())
        )
        settings = sorted(
            set(transitions[tr.SETTING_FROM].dropna()) | set(transitions[tr.SETTING_TO].dropna())
        )
        known = vocabulary.SETTING_BY_CODE
        space = cls(
            needs=tuple(needs),
            settings=tuple(settings),
            setting_groups=tuple(known[s].group if s in known else s for s in settings),
            setting_min_ncy=np.array(
                [known[s].min_ncy if s in known else vocabulary.NCY_MIN for s in settings]
            ),
            setting_max_ncy=np.array(
                [known[s].max_ncy if s in known else vocabulary.NCY_MAX for s in settings]
            ),
            pair_allowed=np.ones((len(needs), len(settings)), dtype=bool),
            move_allowed=np.ones((len(settings), len(settings)), dtype=bool),
        )
        return space.restricted_to_observed(transitions)

    def restricted_to_observed(self, transitions: pd.DataFrame) -> StateSpace:
        """The same space keeping only need-setting pairs that occur in ``transitions``.

        Priors then spread probability only over combinations an LA actually uses (and has
        costs for), not over every combination a valid-states table permits.
        """
        seen = np.zeros_like(self.pair_allowed)
        for need_col, setting_col in (
            (tr.NEED_FROM, tr.SETTING_FROM),
            (tr.NEED_TO, tr.SETTING_TO),
        ):
            k = self.pair_index(
                transitions[need_col],
                transitions[setting_col],
                source="transitions",
                columns=(need_col, setting_col),
            )
            k = k[k >= 0]
            seen.reshape(-1)[k] = True
        return StateSpace(
            needs=self.needs,
            settings=self.settings,
            setting_groups=self.setting_groups,
            setting_min_ncy=self.setting_min_ncy,
            setting_max_ncy=self.setting_max_ncy,
            pair_allowed=self.pair_allowed & seen,
            move_allowed=self.move_allowed,
            ncy_min=self.ncy_min,
            ncy_max=self.ncy_max,
        )


def _labels(value: object) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v) for v in value)  # type: ignore[union-attr]


@dataclass(frozen=True)
class IndexedTransitions:
    """Transitions as grid indices: -1 where the child is not on a plan on that side."""

    year: np.ndarray
    a_from: np.ndarray
    k_from: np.ndarray
    a_to: np.ndarray
    k_to: np.ndarray


def index_transitions(
    transitions: pd.DataFrame,
    space: StateSpace,
    *,
    source: str = "transitions",
    check_valid: bool = True,
) -> IndexedTransitions:
    """Map clean transitions onto the grid.

    With ``check_valid`` every state held must be a valid state and every setting change an
    allowed move; otherwise :class:`ModelInputError` names the row, so a transition to an
    unknown state is never dropped or guessed.
    """
    k_from = space.pair_index(
        transitions[tr.NEED_FROM],
        transitions[tr.SETTING_FROM],
        source=source,
        columns=(tr.NEED_FROM, tr.SETTING_FROM),
    )
    k_to = space.pair_index(
        transitions[tr.NEED_TO],
        transitions[tr.SETTING_TO],
        source=source,
        columns=(tr.NEED_TO, tr.SETTING_TO),
    )
    a_from = transitions[tr.NCY_FROM].to_numpy() - space.ncy_min
    a_to = transitions[tr.NCY_TO].to_numpy() - space.ncy_min
    if check_valid:
        valid = space.valid
        for label, a, k, ncy_col, need_col, set_col in (
            ("from", a_from, k_from, tr.NCY_FROM, tr.NEED_FROM, tr.SETTING_FROM),
            ("to", a_to, k_to, tr.NCY_TO, tr.NEED_TO, tr.SETTING_TO),
        ):
            held = k >= 0
            ok = np.ones(len(k), dtype=bool)
            ok[held] = valid[a[held], k[held]]
            if not ok.all():
                pos = int((~ok).nonzero()[0][0])
                row = transitions.iloc[pos]
                m = k[pos] % len(space.settings)
                raise ModelInputError(
                    f"{source}, row {pos + 2}, column {set_col!r}: the {label} state "
                    f"(NCY {row[ncy_col]}, need {row[need_col]!r}, setting {row[set_col]!r}) "
                    f"is not a valid state: setting {space.settings[m]!r} serves NCY "
                    f"{space.setting_min_ncy[m]}..{space.setting_max_ncy[m]} and the "
                    "need must be listed for it (correct the row or the valid states)"
                )
        both = (k_from >= 0) & (k_to >= 0)
        m_from = k_from % len(space.settings)
        m_to = k_to % len(space.settings)
        moved = both & (m_from != m_to)
        allowed = np.ones(len(k_from), dtype=bool)
        allowed[moved] = space.move_allowed[m_from[moved], m_to[moved]]
        if not allowed.all():
            pos = int((~allowed).nonzero()[0][0])
            raise ModelInputError(
                f"{source}, row {pos + 2}, column {tr.SETTING_TO!r}: a move from setting "
                f"{space.settings[m_from[pos]]!r} to {space.settings[m_to[pos]]!r} is not an "
                "allowed move in the valid states"
            )
    return IndexedTransitions(
        year=transitions[tr.YEAR].to_numpy(),
        a_from=a_from,
        k_from=k_from,
        a_to=a_to,
        k_to=k_to,
    )


def _positions(labels: pd.Series, position: dict) -> np.ndarray:
    """Each label's position in ``position`` (NaN where it has none), each distinct label
    looked up once (the labels are factorised in C)."""
    codes, uniques = pd.factorize(np.asarray(labels, dtype=object), use_na_sentinel=False)
    return np.array([position.get(u, np.nan) for u in uniques], dtype=float)[codes]
