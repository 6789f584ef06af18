"""docs/import.md documents every measure the reader produces."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"


def test_every_measure_is_documented(tidy_2022, tidy_2025):
    text = DOC.read_text(encoding="utf-8")
    measures = set(tidy_2022["measure"]) | set(tidy_2025["measure"])
    assert len(measures) > 100
    undocumented = sorted(m for m in measures if f"`{m}`" not in text)
    assert undocumented == []
