"""Fixtures for the SEN2 tests: a synthetic LA generated once per session."""

from __future__ import annotations

import pytest

from highneeds.sen2.synth import SynthConfig, fictional_establishments, generate

SECRET = "test-installation-secret-0123456789"


@pytest.fixture(scope="session")
def synthetic_la():
    """Six yearly returns (2019-2024) of the default synthetic LA, calibrated to Stockport."""
    return generate(SynthConfig())


@pytest.fixture(scope="session")
def small_la():
    """Two small returns (about 300 children) for fast round trips."""
    return generate(SynthConfig(first_year=2023, last_year=2024, children=300, seed=11))


@pytest.fixture(scope="session")
def establishments():
    return fictional_establishments().drop(columns="family")


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_SECRET", SECRET)
    return SECRET.encode()
