"""The tables an outcome report is built from."""

import pytest
from matplotlib.figure import Figure

from highneeds.consult.analysis.evaluate import load_labelled_set
from highneeds.consult.analysis.report_data import agreement_figure, report_data
from highneeds.consult.analysis.review import ThemeSet
from highneeds.consult.analysis.themes import ThemeFinder


@pytest.fixture(scope="module")
def responses():
    return load_labelled_set().responses


def test_report_data_tables_and_provenance(responses):
    texts = responses.set_index("response_id")["P1__why"]
    texts = texts[texts != ""]
    finder = ThemeFinder(seed=0).fit(texts)
    theme_set = ThemeSet.from_machine("P1", finder.themes_, finder.assignments_)
    theme_set.mark_reviewed(list(texts.index[:36]))
    # Every answer moderated, in its own wording: each published theme can be quoted.
    data = report_data(
        responses, theme_sets={"P1": theme_set}, quotable=responses, source="export.csv"
    )

    assert data.provenance["responses"] == 600 and len(data.provenance["sha256"]) == 64
    profile = data.profile["respondent_type"]
    assert profile.loc["All respondents", "respondents"] == "600"
    assert profile.loc["Parent or carer", "respondents"] == str(
        (responses["respondent_type"] == "parent_carer").sum()
    )
    assert set(data.published_agreement) == {
        (p, by) for p in ("P1", "P2", "P3", "P4") for by in ("respondent_type", "version")
    }
    assert data.differences["notable"].all()
    # The generator makes school staff less favourable to the inclusion proposal (P4).
    staff_p4 = data.differences.query("proposal == 'P4' and group == 'school_staff'")
    assert len(staff_p4) == 1 and staff_p4["difference"].item() < 0

    p1 = data.themes["P1"]
    assert p1.review["answers_reviewed"] == 36 and "36 of" in data.methods
    assert (p1.themes["total"] == p1.themes[["support", "oppose", "neutral"]].sum(axis=1)).all()
    quoted = p1.published["total"] != "c"
    assert set(p1.quotes["theme_id"]) == set(p1.themes.index[quoted])
    assert p1.moderated == len(texts)
    assert data.themes["P2"].review is None  # machine themes only
    small = p1.themes["total"].between(1, 4)
    assert (p1.published.loc[small, "total"] == "c").all()


def test_agreement_figure_has_a_bar_per_proposal_and_answer(responses):
    data = report_data(responses[responses.columns[:6]])
    figure = agreement_figure(data.agreement)
    assert isinstance(figure, Figure)
    bars = figure.axes[0].patches
    assert len(bars) == 5  # one proposal × five points of the scale
    assert sum(bar.get_width() for bar in bars) == pytest.approx(100)


def test_methods_name_how_each_question_s_themes_were_found(responses):
    from highneeds.consult.analysis.coding import codebook_method, discovery_method

    small = responses.head(150)
    texts = small.set_index("response_id")["P1__why"]
    texts = texts[texts != ""]
    finder = ThemeFinder(seed=0).fit(texts)
    reviewed = {"P1": ThemeSet.from_machine("P1", finder.themes_, finder.assignments_)}
    # P1 was coded with the contextual encoder elsewhere; the rest are discovered here by
    # default, and the methods say both (the words once each, never NMF, which is not used).
    told = codebook_method("minilm")
    data = report_data(small, theme_sets=reviewed, theme_method=told)
    assert told in data.methods and discovery_method() in data.methods
    assert "all-MiniLM-L6-v2" in told and "all-MiniLM-L6-v2" not in discovery_method()
    assert "non-negative matrix" not in data.methods
    only = {q: reviewed["P1"] for q in ("P1", "P2", "P3", "P4")}
    assert discovery_method() not in report_data(small, theme_sets=only, theme_method=told).methods
    assert data.methods.count(discovery_method()) == 1
