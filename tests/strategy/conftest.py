from importlib import resources
from pathlib import Path

import pytest

from highneeds.strategy.definition import read_strategy
from highneeds.strategy.measures import KpiData
from highneeds.strategy.places import read_register

TEMPLATES = Path(str(resources.files("highneeds.data").joinpath("strategy")))
STRATEGY = TEMPLATES / "stockport_send_strategy_2024_27.toml"
REGISTER = TEMPLATES / "stockport_places_register.csv"


@pytest.fixture(scope="session")
def stockport_strategy():
    return read_strategy(STRATEGY)


@pytest.fixture(scope="session")
def stockport_register():
    return read_register(REGISTER)


@pytest.fixture(scope="session")
def kpi_data(bundled_stats, stockport_register):
    return KpiData(stats=bundled_stats, places=stockport_register)
