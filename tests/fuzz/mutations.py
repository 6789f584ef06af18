"""Hypothesis strategies that break files the way people and programs do: truncated
downloads, flipped bytes, cells holding hostile text, the wrong encoding, random bytes.

Seeds are real files (the shipped examples and /work/shared/data); a mutation keeps most of a
seed, so readers get past their first check and meet the damage deep inside.
"""

from __future__ import annotations

import io
import re
import zipfile

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Deterministic (the same examples every run, so a failure repeats in CI) and bounded.
settings.register_profile(
    "fuzz",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
FUZZ = settings.get_profile("fuzz")

#: Text people and attackers put in cells and form fields.
HOSTILE = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x07\x08\x0b\x0c\x1b[2J",
    "\x7f\x85\u2028\u2029",
    "\u202eevil\u202c",
    "\ufeff",
    "O’Brien – “quoted”",
    "Zoë Ø 🙂 中文",
    "9" * 400,
    "99999999999999999999999999",
    "1e400",
    "-1e308",
    "1e-400",
    "NaN",
    "inf",
    "-0",
    "0x1F",
    "1,234,567",
    "£1,000",
    "12%",
    "2024-02-30",
    "31/12/1899",
    "9999-12-31",
    "<script>alert(1)</script>",
    "'; DROP TABLE hn_import; --",
    '=HYPERLINK("http://x","y")',
    "../../../etc/passwd",
    "%s%n%x{0}{}",
    '"',
    '""",,,"',
    "\r\n\r\n",
    "\t",
    ",;|",
    "x" * 5000,
)
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

_TOKEN = re.compile(r"[^,\n\t<>\"=\[\]]+")


def _text_mutation(draw, text: str) -> str:
    """Replace, delete or duplicate pieces of ``text`` (cells, lines, tags)."""
    tokens = [m.span() for m in _TOKEN.finditer(text)]
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        what = draw(st.sampled_from(("token", "token", "line", "duplicate", "insert")))
        if what == "token" and tokens:
            start, end = tokens[draw(st.integers(0, len(tokens) - 1))]
            text = text[:start] + draw(hostile_text) + text[end:]
            tokens = [m.span() for m in _TOKEN.finditer(text)]
        elif what == "line" and len(lines) > 1:
            lines.pop(draw(st.integers(0, len(lines) - 1)))
            text = "".join(lines)
        elif what == "duplicate" and lines:
            at = draw(st.integers(0, len(lines) - 1))
            lines.insert(at, lines[at])
            text = "".join(lines)
        else:
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(hostile_text) + text[at:]
        lines = text.splitlines(keepends=True)
    return text


def _encode(draw, text: str) -> bytes:
    encoding = draw(st.sampled_from(("utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1")))
    return text.encode(encoding, errors="replace")


def _byte_mutation(draw, data: bytes) -> bytes:
    what = draw(st.sampled_from(("truncate", "flip", "insert", "random", "empty")))
    if what == "empty" or not data:
        return b""
    if what == "random":
        return draw(st.binary(min_size=1, max_size=min(len(data), 4096)))
    if what == "truncate":
        return data[: draw(st.integers(1, len(data) - 1 if len(data) > 1 else 1))]
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(buffer) - 1))
        if what == "flip":
            buffer[at] = draw(st.integers(0, 255))
        else:
            buffer[at:at] = draw(st.binary(min_size=1, max_size=32))
    return bytes(buffer)


def _zip_mutation(draw, data: bytes) -> bytes:
    """Mutate one member of a zip (an xlsx is a zip of XML) as text, and zip it again."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    names = sorted(n for n in members if not n.endswith("/"))
    name = draw(st.sampled_from(names))
    text = members[name].decode("utf-8", errors="replace")
    members[name] = _encode(draw, _text_mutation(draw, text))
    if draw(st.booleans()) and len(names) > 1:
        members.pop(draw(st.sampled_from([n for n in names if n != name])))
    return zip_bytes(members)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip archive (deflated) of ``members``, name to content."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


@st.composite
def mutated(draw, seeds: dict[str, bytes]):
    """(seed name, how it was broken, the broken bytes) from one of ``seeds``."""
    name = draw(st.sampled_from(sorted(seeds)))
    data = seeds[name]
    is_zip = data[:2] == b"PK"
    kinds = ["bytes", "text", "text"] + (["zip", "zip", "zip"] if is_zip else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "zip":
        return name, kind, _zip_mutation(draw, data)
    if kind == "text" and not is_zip:
        text = data.decode("utf-8-sig", errors="replace")
        return name, kind, _encode(draw, _text_mutation(draw, text))
    return name, "bytes", _byte_mutation(draw, data)
