"""The demo LA is data, not code: its number lives only where its data is made and loaded."""

from __future__ import annotations

import re
from pathlib import Path

import highneeds
from highneeds.finance.demo import demo_la_code

SRC = Path(highneeds.__file__).resolve().parent
#: The code that makes and loads the demo LA's data (and the generator's own rule test).
DEMO_LOADING = {
    "sen2/synth.py",
    "sen2/demo.py",
    "importers/sen2.py",
    "finance/demo.py",
    "sen2/rules/test_upn_la_number.py",
}
SUFFIXES = {".py", ".html", ".toml", ".js", ".txt", ".md"}


def test_the_demo_las_number_appears_nowhere_outside_the_demo_loading_code():
    number = re.compile(rf"(?<![\w.]){re.escape(demo_la_code())}(?![\w.])")
    found = []
    for path in sorted(SRC.rglob("*")):
        relative = path.relative_to(SRC).as_posix()
        if path.suffix not in SUFFIXES or relative.startswith("data/") or relative in DEMO_LOADING:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [
            f"{relative}:{n}" for n, line in enumerate(text.splitlines(), 1) if number.search(line)
        ]
    assert found == [], f"the demo LA's number is written into: {found}"


def test_the_check_would_find_the_number_written_into_a_module(tmp_path):
    number = re.compile(rf"(?<![\w.]){re.escape(demo_la_code())}(?![\w.])")
    assert number.search(f'if la_code == "{demo_la_code()}":')
    assert not number.search("round(0.999, 2) or 19990")
