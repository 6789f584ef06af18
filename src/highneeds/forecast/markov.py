"""Child-level Markov forecast of EHCP caseloads by NCY × need × setting.

Usage (scikit-learn habit: configure, fit, predict)::

    model = MarkovForecaster(recency_decay=0.8)
    model.fit(transitions, population=population, valid_states=valid_states)
    table = model.predict(horizon=5, simulations=1000, seed=1)          # by state
    result = model.simulate(horizon=5, simulations=1000, seed=1)
    result.summary(by=("setting_group",))                               # any breakdown

``transitions`` follows :mod:`highneeds.forecast.transitions`; ``population`` has columns
year, ncy, population (children in the background population, January census year);
``valid_states`` has :data:`highneeds.forecast.states.VALID_STATE_COLUMNS`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.forecast import transitions as tr
from highneeds.forecast.engine import (
    Adjustment,
    Path,
    expected_path,
    monte_carlo,
    prepare_routes,
)
from highneeds.forecast.estimate import (
    MarkovParameters,
    estimate_bayes,
    estimate_witan,
    population_array,
)
from highneeds.forecast.result import ForecastResult
from highneeds.forecast.states import StateSpace, index_transitions

ESTIMATIONS = ("bayes", "witan")


class MarkovForecaster:
    """Configure in the constructor; nothing is computed until :meth:`fit`.

    Parameters
    ----------
    estimation:
        ``"bayes"`` (hierarchical priors, recency weights, optional joiner trend) or
        ``"witan"`` (witan.send's estimation rules, for like-for-like comparison).
    prior_strength:
        Weight, in children, of the pooled prior each state's rates shrink towards.
    recency_decay:
        Weight of a training year relative to the year after it (1 = all years equal,
        0.7 = last year counts 1, the one before 0.7, then 0.49 ...).
    joiner_trend:
        Fit a log-linear trend in the joiner rate over the training years and carry it on.
    rate_uncertainty:
        (``bayes``) Let every simulation's joiner rate follow its own course: a trend drawn
        around none (or around the fitted one's uncertainty) and yearly swings estimated from
        the training years, pooled with the typical LA's (see
        :func:`highneeds.forecast.estimate._fit_rate_uncertainty`). The expected path is
        unchanged; the intervals widen with the horizon as a real LA's caseload does.
    train_years:
        FROM years of the transitions to learn from (default: all). The starting caseload
        is always the latest January in the transitions.
    support:
        ``"observed"`` keeps only need-setting pairs seen in the transitions (so priors do
        not put children where the LA has none, nor where there is no cost); ``"declared"``
        keeps every pair the valid states allow.
    """

    def __init__(
        self,
        *,
        estimation: str = "bayes",
        prior_strength: float = 2.0,
        recency_decay: float = 1.0,
        joiner_trend: bool = False,
        train_years: Sequence[int] | None = None,
        support: str = "observed",
        rate_uncertainty: bool = True,
    ):
        self.estimation = estimation
        self.prior_strength = prior_strength
        self.recency_decay = recency_decay
        self.joiner_trend = joiner_trend
        self.train_years = train_years
        self.support = support
        self.rate_uncertainty = rate_uncertainty

    def get_params(self) -> dict:
        return {
            "estimation": self.estimation,
            "prior_strength": self.prior_strength,
            "recency_decay": self.recency_decay,
            "joiner_trend": self.joiner_trend,
            "train_years": self.train_years,
            "support": self.support,
            "rate_uncertainty": self.rate_uncertainty,
        }

    def _check_config(self) -> None:
        if self.estimation not in ESTIMATIONS:
            raise ModelInputError(
                f"estimation must be one of {ESTIMATIONS}, not {self.estimation!r}"
            )
        if self.support not in ("observed", "declared"):
            raise ModelInputError("support must be 'observed' or 'declared'")
        if not 0 < self.recency_decay <= 1:
            raise ModelInputError("recency_decay must be in (0, 1]")
        if self.prior_strength <= 0:
            raise ModelInputError("prior_strength must be positive")

    # ---------------------------------------------------------------------------------------

    def fit(
        self,
        transitions: pd.DataFrame,
        population: pd.DataFrame | None = None,
        valid_states: pd.DataFrame | None = None,
    ) -> MarkovForecaster:
        """Learn rates from ``transitions``; see the module docstring for the inputs."""
        self._check_config()
        clean = tr.validate_transitions(transitions)
        if valid_states is not None:
            declared = StateSpace.from_valid_states(valid_states)
            index_transitions(clean, declared, check_valid=True)
            space = (
                declared if self.support == "declared" else declared.restricted_to_observed(clean)
            )
        else:
            space = StateSpace.from_transitions(clean)
        all_idx = index_transitions(clean, space, check_valid=valid_states is not None)

        all_years = np.unique(clean[tr.YEAR].to_numpy())
        if self.train_years is None:
            years = all_years
        else:
            years = np.array(sorted(set(int(y) for y in self.train_years)))
            absent = sorted(set(years) - set(all_years))
            if absent:
                raise ModelInputError(
                    f"train_years {absent} have no transitions; available years: "
                    f"{', '.join(str(y) for y in all_years)}"
                )
        train = clean[clean[tr.YEAR].isin(years)].reset_index(drop=True)
        idx = index_transitions(train, space, check_valid=False)
        weights = self.recency_decay ** (years.max() - years).astype(float)

        if self.estimation == "witan":
            if population is None:
                raise ModelInputError("witan estimation needs a population file")
            pop_from = population_array(
                population, space, [int(y) for y in years], purpose="to estimate joiner rates"
            )
            params = estimate_witan(idx, space, years=years, population_from_years=pop_from)
        else:
            pop_to = (
                None
                if population is None
                else population_array(
                    population,
                    space,
                    [int(y) + 1 for y in years],
                    purpose="to estimate joiner rates",
                )
            )
            params = estimate_bayes(
                idx,
                space,
                years=years,
                weights=weights,
                population=pop_to,
                prior_strength=self.prior_strength,
                joiner_trend=self.joiner_trend,
                rate_uncertainty=self.rate_uncertainty,
            )

        last = int(all_years.max())
        initial = np.zeros(space.n_ncy * space.n_pairs)
        ending = (all_idx.year == last) & (all_idx.k_to >= 0)
        np.add.at(initial, all_idx.a_to[ending] * space.n_pairs + all_idx.k_to[ending], 1.0)

        self.space_: StateSpace = space
        self.params_: MarkovParameters = params
        self.base_year_: int = last + 1
        self.initial_: np.ndarray = initial.reshape(space.n_ncy, space.n_pairs)
        self.population_: pd.DataFrame | None = population
        self.train_years_: np.ndarray = years
        return self

    def _exposure(self, horizon: int) -> np.ndarray:
        if horizon < 1:
            raise ModelInputError("horizon must be at least one year")
        years = [self.base_year_ + h for h in range(1, horizon + 1)]
        if self.population_ is None or not self.params_.uses_population:
            return np.ones((horizon, self.space_.n_ncy))
        return population_array(
            self.population_, self.space_, years, purpose=f"to project joiners to {years[-1]}"
        )

    def expected(self, horizon: int) -> Path:
        """Exact expected caseload path (no simulation)."""
        routes = prepare_routes(self.params_, self.space_)
        return expected_path(
            self.params_, routes, self.initial_, self._exposure(horizon), self.base_year_
        )

    def simulate(
        self,
        horizon: int = 5,
        simulations: int = 1000,
        seed: int | None = None,
        adjustment: Adjustment | None = None,
    ) -> ForecastResult:
        """Run the Monte Carlo and the expected path; returns a :class:`ForecastResult`.

        ``adjustment`` (a scenario's fewer joiners and redirected placements, see
        :class:`~highneeds.forecast.engine.Adjustment`) gives the scenario's forecast; its
        :meth:`ForecastResult.coupled_baseline` is the baseline simulated jointly with it
        from the same seed (common random numbers). An adjustment that changes nothing gives
        exactly the result without one.
        """
        if simulations < 2:
            raise ModelInputError("simulations must be at least 2")
        exposure = self._exposure(horizon)
        routes = prepare_routes(self.params_, self.space_)
        expected = expected_path(
            self.params_, routes, self.initial_, exposure, self.base_year_, adjustment
        )
        simulated = monte_carlo(
            self.params_,
            routes,
            self.space_.valid,
            self.initial_,
            exposure,
            self.base_year_,
            simulations=simulations,
            seed=seed,
            adjustment=adjustment,
        )
        result = ForecastResult(space=self.space_, simulated=simulated, expected=expected)
        if simulated.coupled_baseline is not None:
            result.baseline_expected = expected_path(
                self.params_, routes, self.initial_, exposure, self.base_year_
            )
        return result

    def predict(
        self,
        horizon: int = 5,
        simulations: int = 1000,
        seed: int | None = None,
        by: Sequence[str] = ("ncy", "need", "setting"),
    ) -> pd.DataFrame:
        """Tidy table year × ``by`` × (expected, mean, std, median, quantiles)."""
        return self.simulate(horizon, simulations, seed).summary(by)
