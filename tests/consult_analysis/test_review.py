"""Human review of themes survives machine reruns."""

import pandas as pd
import pytest

from highneeds.consult.analysis.evaluate import load_labelled_set
from highneeds.consult.analysis.review import ThemeSet
from highneeds.consult.analysis.themes import ThemeFinder
from highneeds.errors import ModelInputError


@pytest.fixture(scope="module")
def answers() -> pd.Series:
    return load_labelled_set().answers("P2")


def machine_run(answers: pd.Series, seed: int) -> ThemeFinder:
    # A different seed stands in for "the machine's themes moved a little"; TF-IDF + NMF moves
    # them a little, k-means on sentence vectors (the default) more, which would test the
    # back end's stability rather than the review's bookkeeping.
    return ThemeFinder(seed=seed, backend="tfidf").fit(answers)


def test_merge_then_rerun_keeps_the_merge(answers):
    first = machine_run(answers, seed=0)
    theme_set = ThemeSet.from_machine("P2", first.themes_, first.assignments_)
    a, b = theme_set.active_theme_ids()[:2]
    target = theme_set.merge([a, b], label="Places and travel")
    carriers_before = set(theme_set.assignments_frame().query("theme_id == @target").response_id)
    assert theme_set.themes[b].status == "merged" and b not in theme_set.active_theme_ids()

    rerun = machine_run(answers, seed=1)
    landing = theme_set.apply_machine_run(rerun.themes_, rerun.assignments_)

    assert theme_set.themes[b].status == "merged"
    assert theme_set.resolve(b) == target
    assert theme_set.themes[target].label == "Places and travel"
    # The rerun's themes that match a and b both land in the merged theme, not in new themes.
    assert sum(1 for landed in landing.values() if landed == target) == 2
    assert b not in set(theme_set.assignments_frame().theme_id)
    carriers_after = set(theme_set.assignments_frame().query("theme_id == @target").response_id)
    overlap = len(carriers_before & carriers_after) / len(carriers_before | carriers_after)
    assert overlap > 0.8
    assert len(theme_set.active_theme_ids()) == first.n_themes_ - 1


def test_human_decisions_and_reviewed_answers_survive_a_rerun(answers):
    first = machine_run(answers, seed=0)
    theme_set = ThemeSet.from_machine("P2", first.themes_, first.assignments_)
    themes = theme_set.active_theme_ids()
    frame = theme_set.assignments_frame()
    carrier = frame[frame.theme_id == themes[0]].response_id.iloc[0]
    other = frame[frame.theme_id != themes[2]].response_id.iloc[3]
    theme_set.rename(themes[0], "Renamed by an analyst")
    theme_set.unassign(carrier, themes[0])
    theme_set.assign(other, themes[2])
    theme_set.mark_reviewed([other])
    theme_set.delete_theme(themes[3])
    reviewed_before = {
        (d.theme_id, d.origin)
        for d in theme_set.decisions.values()
        if d.response_id == other and d.assigned
    }

    rerun = machine_run(answers, seed=2)
    theme_set.apply_machine_run(rerun.themes_, rerun.assignments_)

    assert theme_set.themes[themes[0]].label == "Renamed by an analyst"
    assert not theme_set.decisions[(carrier, themes[0])].assigned
    assert carrier not in set(
        theme_set.assignments_frame().query("theme_id == @themes[0]").response_id
    )
    after = {
        (d.theme_id, d.origin)
        for d in theme_set.decisions.values()
        if d.response_id == other and d.assigned
    }
    assert after == reviewed_before and (themes[2], "human") in after
    assert themes[3] not in theme_set.active_theme_ids()
    assert themes[3] not in set(theme_set.assignments_frame().theme_id)


def test_split_add_and_summary(answers):
    first = machine_run(answers, seed=0)
    theme_set = ThemeSet.from_machine("P2", first.themes_, first.assignments_)
    theme = theme_set.active_theme_ids()[0]
    carriers = list(theme_set.assignments_frame().query("theme_id == @theme").response_id)
    placement = {r: i % 2 for i, r in enumerate(carriers[:10])}
    parts = theme_set.split(theme, ["Part one", "Part two"], placement)
    frame = theme_set.assignments_frame()
    assert set(frame[frame.theme_id == parts[0]].response_id) == set(carriers[:10:2])
    assert set(frame[frame.theme_id == parts[1]].response_id) == set(carriers[1:10:2])
    assert (frame[frame.theme_id.isin(parts)].origin == "human").all()
    added = theme_set.add_theme("Transport for post-16 students", "Travel for over-16s")
    theme_set.assign(carriers[0], added)
    summary = theme_set.summary(answers=len(answers))
    assert summary["assignments_by_people"] == 11
    assert summary["assignments_by_machine"] == summary["assignments"] - 11
    assert summary["answers_reviewed"] == 0
    with pytest.raises(ModelInputError, match="split"):
        theme_set.assign(carriers[0], theme)


def test_round_trip_through_json(answers):
    first = machine_run(answers, seed=0)
    theme_set = ThemeSet.from_machine("P2", first.themes_, first.assignments_)
    a, b = theme_set.active_theme_ids()[:2]
    theme_set.merge([a, b])
    theme_set.mark_reviewed(["R00002"])
    restored = ThemeSet.from_json(theme_set.to_json())
    assert restored.to_dict() == theme_set.to_dict()
    pd.testing.assert_frame_equal(restored.assignments_frame(), theme_set.assignments_frame())
    assert restored.resolve(b) == a


def test_forget_removes_every_trace_of_an_answer():
    theme_set = ThemeSet(question="P1")
    theme = theme_set.add_theme("Waiting")
    theme_set.themes[theme].quotes = [
        {"response_id": "AAA", "text": "gone"},
        {"response_id": "BBB", "text": "kept"},
    ]
    theme_set.themes[theme].machine_members = ["AAA", "BBB"]
    for response_id in ("AAA", "BBB"):
        theme_set.assign(response_id, theme)
    theme_set.mark_reviewed(["AAA", "BBB"])
    copy = ThemeSet.from_dict(theme_set.to_dict())
    copy.forget(["AAA"], text_only=True)  # retention: the text goes, the decision stays
    assert "gone" not in copy.to_json() and ("AAA", theme) in copy.decisions
    theme_set.forget(["AAA"])
    stored = theme_set.to_json()
    assert "AAA" not in stored and "gone" not in stored
    assert "BBB" in theme_set.reviewed and ("BBB", theme) in theme_set.decisions


def test_a_discovered_name_that_replaces_a_codebook_name_is_the_machines_again():
    from highneeds.consult.analysis.review import CODEBOOK, MACHINE
    from highneeds.consult.analysis.themes import Theme

    theme_set = ThemeSet(question="P1")
    members = pd.DataFrame({"response_id": ["A", "B"], "theme_id": ["T01", "T01"]})
    landing = theme_set.apply_machine_run([Theme("T01", "Transport", "From the codebook")], members)
    theme_set.themes[landing["T01"]].label_origin = CODEBOOK  # as codebook_run marks it
    # A later discovery run (the analyst switched mode) names the same answers from their words.
    theme_set.apply_machine_run([Theme("T01", "Mary primary / isla", "")], members)
    theme = theme_set.themes[landing["T01"]]
    assert theme.label == "Mary primary / isla" and theme.label_origin == MACHINE
