import pytest

from highneeds.consult.analysis.synthetic import build_responses
from highneeds.consult.report import build_report, we_did_from_dict

WE_DID = {
    "title": "Test outcome report",
    "council": "Testshire Council",
    "notice": "SYNTHETIC TEST DATA",
    "proposals": {
        "P1": {"title": "Early help", "we_asked": "Should schools get help early?", "we_did": ""},
        "P2": {"title": "Specialist places", "we_did": "We will open forty places."},
    },
}


@pytest.fixture(scope="session")
def synthetic_responses():
    responses, _ = build_responses(240, seed=11)
    return responses


@pytest.fixture(scope="session")
def synthetic_report(synthetic_responses):
    """One report built once for the session (building takes a few seconds)."""
    return build_report(
        synthetic_responses,
        we_did=we_did_from_dict(WE_DID),
        source="synthetic.csv",
        source_bytes=synthetic_responses.to_csv(index=False).encode(),
    )
