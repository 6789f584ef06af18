"""S2-102 fires on a broken record and passes on a clean synthetic return."""

import pandas as pd

from highneeds.sen2.rules.conftest import flagged

CODE = "S2-102"


def BREAK(t):
    t["person"] = pd.concat([t["person"], t["person"].iloc[[0]].assign(person_key="copy")])


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1
