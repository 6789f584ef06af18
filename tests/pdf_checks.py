"""Checks that a PDF is tagged for screen readers (PDF/UA): used by every document's tests."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path


def structure(pdf: bytes) -> tuple[dict, dict[str, int], list[str]]:
    """(the document catalogue, how many structure elements of each role, figures' alt text)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    roles: dict[str, int] = {}
    alts: list[str] = []

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child, depth)
            return
        if not hasattr(node, "get"):
            return
        role = str(node.get("/S", ""))
        roles[role] = roles.get(role, 0) + 1
        if role == "/Figure":
            alts.append(str(node.get("/Alt", "")))
        if "/K" in node and depth < 60:
            walk(node["/K"], depth + 1)

    walk(root["/StructTreeRoot"])
    return root, roles, alts


def assert_tagged(pdf: bytes, *, title: str, roles_needed=("/H1", "/H2", "/Table", "/TH", "/TD")):
    """Marked, with language, title shown, and the structure roles a reader needs; poppler's
    ``pdfinfo`` agrees where it is installed. Returns the alt texts of its figures."""
    from pypdf import PdfReader

    root, roles, alts = structure(pdf)
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]).lower().startswith("en")
    assert PdfReader(io.BytesIO(pdf)).metadata.title == title
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    for role in roles_needed:
        assert roles.get(role, 0) > 0, f"no {role} in the structure tree: {sorted(roles)}"
    if shutil.which("pdfinfo"):
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "document.pdf"
            target.write_bytes(pdf)
            info = subprocess.run(["pdfinfo", target], capture_output=True, text=True, check=True)
        assert re.search(r"^Tagged:\s+yes$", info.stdout, re.M), info.stdout
    return alts
