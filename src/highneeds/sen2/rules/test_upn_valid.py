"""S2-101 fires on a broken record and passes on a clean synthetic return."""

import pandas as pd

from highneeds.sen2.rules.conftest import flagged, set_first

CODE = "S2-101"
# X123456789875 has the shape of a UPN but the wrong check letter (SEN2.md section 5).
BREAK = set_first("person", "upn", "X123456789875")


def test_passes_on_clean_return(broken):
    assert flagged(CODE, broken(lambda t: None)) == 0


def test_fires(broken):
    assert flagged(CODE, broken(BREAK)) >= 1


def test_check_letter_examples_from_dfe():
    from highneeds.sen2.upn import upn_problems

    found = upn_problems(pd.Series(["H801200001001", "G80120000101A", "X123456789875"]))
    assert found.isna().tolist() == [True, True, False]
