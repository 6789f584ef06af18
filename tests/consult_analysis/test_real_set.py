"""The real labelled set (Pol.is statements coded by hand): its shape, the split, and the
published figures not regressing.

The recorded figures are those in docs/consult-analysis.md (report part, seed 0); each floor is
the recorded figure minus 0.03. The comparisons with the previous methods are asserted too.
"""

import pandas as pd
import pytest

from highneeds.consult.analysis.evaluate import (
    PARTS,
    coder_agreement,
    evaluate_real,
    load_real_set,
    part_of,
    shipped_set_path,
)

MARGIN = 0.03
RECORDED = {
    ("discovery", "static embedding + k-means (default)", "no codebook"): 0.400,
    ("codebook", "sentence vectors (default)", "codebook only"): 0.633,
    ("codebook", "sentence vectors (default)", "10% hand-coded"): 0.613,
    ("codebook", "sentence vectors (default)", "20% hand-coded"): 0.611,
}
HELD_OUT = ("american-assembly.bowling-green", "bg2050-volunteers", "london.youth.policing")


@pytest.fixture(scope="module")
def data():
    return load_real_set()


def test_set_is_real_text_coded_to_a_plain_codebook(data, shared_data):
    assert data.questions == ("electoral-reform", "affordable-housing", "taxes")
    assert len(data.statements) >= 300
    # Every statement is the published text of an accepted Pol.is comment.
    folders = {
        "electoral-reform": "canadian-electoral-reform",
        "affordable-housing": "scoop-hivemind.affordable-housing",
        "taxes": "scoop-hivemind.taxes",
    }
    for question, folder in folders.items():
        assert folder not in HELD_OUT
        source = pd.read_csv(shared_data / "polis-conversations" / folder / "comments.csv")
        accepted = source[source["moderated"] == 1]
        published = dict(
            zip(
                accepted["comment-id"].astype(str),
                accepted["comment-body"].map(str.split),
                strict=True,
            )
        )
        answers = data.answers(question)
        assert set(answers.index) == set(published)
        assert all(answers[i].split() == published[i] for i in answers.index)
    codebook = pd.read_csv(shipped_set_path().parent / "consult_eval_polis" / "codebook.csv")
    assert list(codebook.columns) == ["question", "theme_id", "label", "description"]
    coded = {(r.question, r.id) for r in data.coding.itertuples()}
    assert coded == {(r.question, r.id) for r in data.statements.itertuples()}


def test_split_is_fixed_and_about_half(data):
    assert part_of("taxes", "17") == part_of("taxes", "17")
    parts = [part_of(r.question, r.id) for r in data.statements.itertuples()]
    for part in PARTS:
        assert 0.4 < parts.count(part) / len(parts) < 0.6


def test_second_coding_covers_over_a_hundred_answers(data):
    second = pd.read_csv(
        shipped_set_path().parent / "consult_eval_polis" / "second_coding.csv",
        dtype=str,
        keep_default_na=False,
    )
    result = coder_agreement(data, second)
    assert result["answers"] >= 100
    assert 0.9 <= result["kappa"] <= 1 and 0.9 <= result["f1"] <= 1


def test_published_figures_do_not_regress_and_beat_the_previous_methods(data):
    results = evaluate_real(data, part="report", bootstrap=200).set_index(
        ["mode", "method", "setting"]
    )
    for key, recorded in RECORDED.items():
        assert results.loc[key, "f1"] >= recorded - MARGIN, key
        assert results.loc[key, "f1_low"] < results.loc[key, "f1"] < results.loc[key, "f1_high"]
    f1 = results["f1"]
    default = f1[("discovery", "static embedding + k-means (default)", "no codebook")]
    previous = f1[("discovery", "TF-IDF + NMF, automatic count (previous default)", "no codebook")]
    assert default > previous + 0.05
    for setting in ("codebook only", "10% hand-coded", "20% hand-coded"):
        new = f1[("codebook", "sentence vectors (default)", setting)]
        old = f1[("codebook", "TF-IDF + logistic regression (previous)", setting)]
        assert new > old + 0.3, setting
