"""Theme discovery: the default back end, the embedding and LLM back ends, stance split."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from highneeds.consult.analysis.themes import (
    ThemeFinder,
    auto_theme_count,
    consensus_centres,
    spectral_centres,
    themes_by_stance,
)
from highneeds.errors import ModelInputError

TOPICS = {
    "travel": ["taxi", "journey", "travel", "bus", "miles", "hour"],
    "counselling": ["counsellor", "anxiety", "talk", "worries", "wellbeing", "listen"],
    "money": ["budget", "funding", "cuts", "deficit", "money", "savings"],
}


ALL_WORDS = [word for words in TOPICS.values() for word in words]


def corpus(per_topic: int = 20, mixed: int = 6, seed: int = 1) -> tuple[pd.Series, dict]:
    """Answers made of one topic's words (or two topics for the mixed ones) and filler."""
    rng = np.random.default_rng(seed)
    texts, truth = {}, {}
    filler = ["the", "and", "this", "our", "is", "very", "about"]
    for topic, words in TOPICS.items():
        for i in range(per_topic):
            chosen = list(rng.choice(words, size=4, replace=False)) + list(rng.choice(filler, 3))
            texts[f"{topic}-{i}"] = " ".join(rng.permutation(chosen))
            truth[f"{topic}-{i}"] = {topic}
    for i in range(mixed):
        chosen = list(rng.choice(TOPICS["travel"], 3, replace=False)) + list(
            rng.choice(TOPICS["money"], 3, replace=False)
        )
        texts[f"mixed-{i}"] = " ".join(chosen)
        truth[f"mixed-{i}"] = {"travel", "money"}
    return pd.Series(texts), truth


def test_default_back_end_recovers_topics_and_multi_label_answers():
    texts, truth = corpus()
    finder = ThemeFinder(n_themes=3, seed=0).fit(texts)
    assert finder.n_themes_ == 3
    labels = finder.labels_by_response()
    # Name each found theme by the topic most of its answers come from.
    names = {}
    for theme in finder.themes_:
        carriers = [r for r, found in labels.items() if theme.theme_id in found]
        topics = [t for r in carriers for t in truth[r]]
        names[theme.theme_id] = max(set(topics), key=topics.count)
    assert set(names.values()) == set(TOPICS)
    single = [r for r in truth if not r.startswith("mixed")]
    correct = sum({names[t] for t in labels[r]} == truth[r] for r in single)
    assert correct / len(single) >= 0.9
    mixed = [r for r in truth if r.startswith("mixed")]
    both = sum({names[t] for t in labels[r]} == {"travel", "money"} for r in mixed)
    assert both >= len(mixed) - 1
    for theme in finder.themes_:
        assert theme.label and theme.description and theme.quotes
        topic_words = TOPICS[names[theme.theme_id]]
        assert any(word in theme.label.lower() for word in topic_words)
        for quote in theme.quotes:
            assert theme.theme_id in labels[quote.response_id]


def test_same_seed_same_themes():
    texts, _ = corpus()
    first = ThemeFinder(seed=3).fit(texts)
    second = ThemeFinder(seed=3).fit(texts)
    pd.testing.assert_frame_equal(first.assignments_, second.assignments_)
    assert [t.label for t in first.themes_] == [t.label for t in second.themes_]


def test_auto_count_rule_and_bad_input():
    assert auto_theme_count(20) == 4
    assert auto_theme_count(320) == 8
    assert auto_theme_count(100_000) == 12
    with pytest.raises(ModelInputError, match="too few"):
        ThemeFinder().fit(pd.Series(["only one"]))
    with pytest.raises(ModelInputError, match="unknown theme back end"):
        ThemeFinder(backend="magic").fit(pd.Series(["a b c", "d e f"]))


def test_stance_comes_from_the_agreement_answer():
    responses = pd.DataFrame(
        {
            "response_id": ["A", "B", "C", "D"],
            "respondent_type": ["parent_carer", "parent_carer", "school_staff", "other"],
            "P1__agree": ["agree", "strongly_disagree", "disagree", None],
        }
    )
    assignments = pd.DataFrame(
        {"response_id": ["A", "B", "C", "D", "A"], "theme_id": ["T1", "T1", "T1", "T1", "T2"]}
    )
    table = themes_by_stance(assignments, responses, "P1").set_index("theme_id")
    assert table.loc["T1", ["support", "oppose", "neutral", "total"]].tolist() == [1, 2, 1, 4]
    assert table.loc["T2", ["support", "oppose", "neutral"]].tolist() == [1, 0, 0]
    by_group = themes_by_stance(assignments, responses, "P1", by="respondent_type")
    parents = by_group[
        (by_group["theme_id"] == "T1") & (by_group["respondent_type"] == "parent_carer")
    ]
    assert parents[["support", "oppose"]].iloc[0].tolist() == [1, 1]


class StubEncoder:
    """Stands in for a sentence-embedding model: no model is available on this machine (and
    nothing may be downloaded), so vectors are topic-word counts. It tests the back end's
    plumbing (encode, cluster, label, assign), not a real model's quality."""

    def encode(self, sentences, **kwargs):
        return np.array(
            [
                [sum(w in s.split() for w in words) + 0.01 for words in TOPICS.values()]
                for s in sentences
            ]
        )


def test_embedding_back_end_with_a_stub_encoder():
    texts, truth = corpus(mixed=0)
    finder = ThemeFinder(n_themes=3, backend="embedding", encoder=StubEncoder(), seed=0)
    finder.fit(texts)
    labels = finder.labels_by_response()
    assert finder.n_themes_ == 3
    groups = {}
    for answer, found in labels.items():
        groups.setdefault(frozenset(found), set()).update(truth[answer])
    assert all(len(topics) == 1 for topics in groups.values())  # no theme mixes topics
    assert all(any(w in t.label.lower() for w in ALL_WORDS) for t in finder.themes_)


def test_embedding_back_end_refuses_a_missing_model_folder(tmp_path):
    finder = ThemeFinder(backend="embedding", model_path=str(tmp_path / "no-model"))
    with pytest.raises(ModelInputError, match="nothing is downloaded"):
        finder.fit(pd.Series(["a b c", "d e f", "g h i"]))


class FakeChat(BaseHTTPRequestHandler):
    """An OpenAI-compatible endpoint answering the two prompts the LLM back end sends."""

    requests: ClassVar[list] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeChat.requests.append(body)
        prompt = body["messages"][0]["content"]
        if "propose between" in prompt:
            content = json.dumps(
                {
                    "themes": [
                        {"label": "Travel to school", "description": "Journeys and transport."},
                        {"label": "Funding", "description": "Money and budgets."},
                    ]
                }
            )
        else:
            answers = prompt.split("Answers:\n", 1)[1].splitlines()
            assignments = {}
            for line in answers:
                number, text = line.split(". ", 1)
                themes = []
                if any(w in text for w in TOPICS["travel"]):
                    themes.append(1)
                if any(w in text for w in TOPICS["money"]):
                    themes.append(2)
                assignments[number] = themes
            content = "```json\n" + json.dumps({"assignments": assignments}) + "\n```"
        reply = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_llm():
    server = HTTPServer(("127.0.0.1", 0), FakeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeChat.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_llm_back_end_against_a_fake_local_server(fake_llm):
    texts, truth = corpus(per_topic=12, mixed=3)
    finder = ThemeFinder(backend="llm", llm_url=fake_llm, seed=0).fit(texts)
    assert [t.label for t in finder.themes_] == ["Travel to school", "Funding"]
    labels = finder.labels_by_response()
    names = {"T01": "travel", "T02": "money"}
    for answer, topics in truth.items():
        expected = topics & {"travel", "money"}
        assert {names[t] for t in labels[answer]} == expected, answer
    assert all(r["temperature"] == 0 for r in FakeChat.requests)
    # one proposal call, then batches of 20 answers
    assert len(FakeChat.requests) == 1 + int(np.ceil(len(texts) / 20))


def test_llm_back_end_unreachable_is_a_clear_error():
    finder = ThemeFinder(backend="llm", llm_url="http://127.0.0.1:9/v1", llm_timeout=2)
    with pytest.raises(ModelInputError, match="could not reach the LLM endpoint"):
        finder.fit(pd.Series(["a b c", "d e f"]))


def test_a_loose_leftover_theme_is_flagged_as_a_catch_all_and_tight_ones_are_not():
    from highneeds.consult.analysis.themes import ThemeFinder

    ends = ["today", "on monday", "this week", "every morning", "in the rain", "and crowded"]
    ends += ["for my son", "for my daughter", "most days", "once more"]
    bus = [f"The school bus is late again {w}" for w in ends]
    places = [f"We need more special school places {w}" for w in ends]
    money = [f"The council budget is overspent {w}" for w in ends]
    misc = [
        "I like the new library",
        "My garden has foxes",
        "Weather was lovely in June",
        "The football team won",
        "Cats are better than dogs",
        "I moved here in 1990",
        "Pizza on Fridays is fun",
        "The river floods sometimes",
        "My phone battery died",
        "Trains to London are quick",
    ]
    finder = ThemeFinder(n_themes=4).fit(pd.Series(bus + places + money + misc))
    flagged = [t for t in finder.themes_ if t.catch_all]
    assert len(flagged) == 1
    members = finder.labels_by_response()
    assert {i for i, themes in members.items() if flagged[0].theme_id in themes} == {
        str(i) for i in range(30, 40)
    }
    assert finder.themes_frame()["catch_all"].sum() == 1


def test_mixed_stance_follows_its_stated_rule():
    from highneeds.consult.analysis.themes import mixed_stance

    table = pd.DataFrame(
        {"support": [5, 9, 2, 4], "oppose": [5, 1, 2, 6], "neutral": [0, 0, 9, 0]},
        index=["even", "mostly_for", "too_few", "leaning_against"],
    )
    assert mixed_stance(table).to_dict() == {
        "even": True,
        "mostly_for": False,
        "too_few": False,
        "leaning_against": True,
    }


def three_groups_found(find_centres, seed: int) -> np.ndarray:
    """Three well-separated groups of 40 unit vectors; asserts ``find_centres`` puts each
    group nearest its own centre, the same way twice. Returns the points."""
    rng = np.random.default_rng(seed)
    middles = np.eye(8)[:3] * 3
    points = np.vstack([m + rng.normal(scale=0.4, size=(40, 8)) for m in middles])
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    centres = find_centres(points, 3, seed=0)
    assert centres.shape == (3, 8)
    assert np.allclose(np.linalg.norm(centres, axis=1), 1)
    # Each group's answers are nearest one centre, a different one for each group.
    nearest = (points @ centres.T).argmax(axis=1).reshape(3, 40)
    assert [len(set(group)) for group in nearest] == [1, 1, 1]
    assert len({group[0] for group in nearest}) == 3
    assert np.array_equal(centres, find_centres(points, 3, seed=0))
    return points


def test_consensus_of_k_means_runs_finds_separate_groups_the_same_way_each_time():
    points = three_groups_found(consensus_centres, seed=3)
    # Above ``sample`` answers the grouping is done on a sample; one run is the old default.
    assert consensus_centres(points, 3, seed=0, sample=60).shape == (3, 8)
    assert consensus_centres(points, 3, seed=0, runs=0).shape == (3, 8)
    texts, _ = corpus()
    one = ThemeFinder(consensus_runs=0).fit(texts)
    assert one.n_themes_ >= 3  # the previous default still runs, for comparison


def test_spectral_grouping_finds_separate_groups_the_same_way_each_time():
    points = three_groups_found(spectral_centres, seed=4)
    assert spectral_centres(points, 3, seed=0, sample=60).shape == (3, 8)
    assert spectral_centres(points[:2], 3, seed=0).shape == (1, 8)  # too few to split
    texts, _ = corpus()
    finder = ThemeFinder(grouping="spectral").fit(texts)
    assert finder.n_themes_ >= 3
    with pytest.raises(ModelInputError, match="unknown grouping"):
        ThemeFinder(grouping="ward").fit(texts)
