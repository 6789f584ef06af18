"""Find internals shown to people: Python reprs, snake_case labels, booleans and numbers
that were never formatted, in a page's visible text or an export's headings and cells."""

from __future__ import annotations

import csv
import html
import io
import re

_HIDDEN = re.compile(r"<(script|style|svg|textarea|pre|code)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_REPR = re.compile(
    r"\[\s*'[^']*'\s*[,\]]|\(\s*'[^']*'\s*,|\{\s*'[^']*'\s*:|\bobject at 0x|<built-in|"
    r"\b(?:None|True|False|nan|NaN|NaT)\b"
)
# A file's name (unit_costs.csv) is what the person uploaded, not an internal label.
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?!\.[a-z]{2,4}\b)")
_FLOAT = re.compile(
    r"(?<![\d.,])\d+\.\d{3,}\b|(?<![\d.,])\d{1,3}(?:,\d{3})+\.0\b|(?<![\d.,£])\d+\.0\b(?![.%])"
)
_BIG = re.compile(r"(?<![\w.,£#/-])\d{5,}(?![\w.,-])")  # 12345 without separators


def visible_text(page: str) -> str:
    body = page.split("<main", 1)[-1].split("</main>", 1)[0] if "<main" in page else page
    return html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", body)))


def problems_in_text(text: str, *, allow: tuple[str, ...] = ()) -> list[str]:
    found = []
    for kind, pattern in (
        ("Python repr or boolean", _REPR),
        ("snake_case label", _SNAKE),
        ("unformatted number", _FLOAT),
        ("number without separators", _BIG),
    ):
        for match in pattern.finditer(text):
            word = match.group(0)
            if any(a in text[max(0, match.start() - 40) : match.end() + 40] for a in allow):
                continue
            context = " ".join(text[max(0, match.start() - 30) : match.end() + 30].split())
            found.append(f"{kind}: {word!r} in “…{context}…”")
    return found


def problems_in_csv(body: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    if not rows:
        return []
    found = [f"snake_case heading: {h!r}" for h in rows[0] if _SNAKE.fullmatch(h)]
    for row in rows[1:]:
        for cell in row:
            if re.fullmatch(r"-?\d+\.\d{5,}", cell):
                found.append(f"unrounded figure: {cell}")
            if cell in ("True", "False", "None", "nan"):
                found.append(f"Python value: {cell}")
    return found


def problems_in_xlsx(body: bytes) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body))
    found = []
    for sheet in book.worksheets:
        if sheet.title == "Data dictionary":
            continue  # the one place codes belong
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        found += [
            f"{sheet.title}: snake_case heading {h!r}"
            for h in header
            if isinstance(h, str) and _SNAKE.fullmatch(h)
        ]
        for row in sheet.iter_rows(min_row=2, max_row=50):
            for cell in row:
                fraction = isinstance(cell.value, float) and not cell.value.is_integer()
                if fraction and cell.number_format == "General":
                    found.append(f"{sheet.title}!{cell.coordinate}: no number format")
                if cell.value in ("True", "False", "None") or isinstance(cell.value, bool):
                    found.append(f"{sheet.title}!{cell.coordinate}: Python value {cell.value}")
    return found
