"""Read a SEN2 person-level return in DfE's COLLECT XML layout, streaming and safely.

The file is parsed one ``Person`` at a time (lxml ``iterparse``), each subtree cleared once
read, so 50,000 children fit in little memory. Entities are never resolved, the network is
never touched and a DTD is refused (no billion-laughs or external-entity tricks).
Element names are matched case-insensitively and with the known aliases (``PlanWPB``,
``RES``...), and element order is not relied on.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
from lxml import etree

from highneeds.errors import InputFileError
from highneeds.sen2.model import HEADER_ITEMS, MODULE_BY_ELEMENT, MODULES, Module, Sen2Return
from highneeds.sen2.values import type_header, type_table

_CHILDREN: dict[str, list[Module]] = {
    module.name: [child for child in MODULES if child.parent == module.name] for module in MODULES
}
_ITEM_BY_NAME: dict[str, dict[str, str]] = {
    module.name: {name: item.column for item in module.items for name in item.names}
    for module in MODULES
}
_CHILD_BY_NAME = {
    name: {child.element.lower(): child for child in children}
    for name, children in _CHILDREN.items()
}
_HEADER_BY_NAME = {name: item.column for item in HEADER_ITEMS for name in item.names}


_LOCAL_NAMES: dict[str, str] = {}


def _local(tag) -> str:
    """Lower-case local name of an element tag ("" for comments and processing instructions)."""
    name = _LOCAL_NAMES.get(tag) if isinstance(tag, str) else ""
    if name is None:  # a few dozen distinct tags per file: remember each once
        name = _LOCAL_NAMES[tag] = tag.rpartition("}")[2].lower()
    return name


class _Collector:
    """Accumulates records per module as lists of dicts while the file streams by."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = {module.name: [] for module in MODULES}
        self.counters = dict.fromkeys(self.rows, 0)
        self.unknown: set[str] = set()

    def add(self, element, module: Module, parent_key: str | None, person_key: str | None) -> None:
        self.counters[module.name] += 1
        key = str(self.counters[module.name])
        person_key = person_key or key
        record: dict = {module.key: key, "source_row": element.sourceline}
        if module.parent:
            record[f"{module.parent}_key"] = parent_key
            record["person_key"] = person_key
        children = _CHILD_BY_NAME[module.name]
        names = _ITEM_BY_NAME[module.name]
        for child in element:
            name = _local(child.tag)
            if name in children:
                self.add(child, children[name], key, person_key)
            elif name in names:
                record[names[name]] = child.text
            elif name:
                self.unknown.add(f"{module.element}/{child.tag.rpartition('}')[2]}")
        self.rows[module.name].append(record)


def _open(path: Path):
    """The file's bytes, decompressed when it is gzipped (the shipped demo is .xml.gz)."""
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")


def _check_preamble(path: Path) -> None:
    try:
        with _open(path) as handle:
            head = handle.read(4096)
    except (OSError, EOFError) as exc:
        raise InputFileError(f"cannot read the file: {exc}", file=path.name) from exc
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise InputFileError(
            "the XML declares a DTD or entities, which SEN2 files never do; refusing to read it",
            file=path.name,
        )


def read_xml(path: str | Path) -> Sen2Return:
    """Read a SEN2 XML return into a :class:`Sen2Return` (raises InputFileError if broken)."""
    path = Path(path)
    _check_preamble(path)
    collector = _Collector()
    header_raw: dict[str, str | None] = {}
    root_seen = _check_root_of(path)
    # Only Header and Person elements come back from the parser (tag filter in C): the
    # per-element Python work stays proportional to people, not to elements.
    source = _open(path)
    context = etree.iterparse(
        source,
        events=("end",),
        tag=_TAGS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        for _event, element in context:
            name = _local(element.tag)
            if name == "header":
                for group in element:
                    for item in group:
                        column = _HEADER_BY_NAME.get(_local(item.tag))
                        if column:
                            header_raw[column] = item.text
                continue
            parent = element.getparent()
            if parent is None or _local(parent.tag) != "persons":
                continue
            collector.add(element, MODULE_BY_ELEMENT["person"], None, None)
            element.clear(keep_tail=False)
            # Drop already-read siblings so memory stays flat over a long file.
            while element.getprevious() is not None:
                del parent[0]
    except (etree.XMLSyntaxError, EOFError, OSError) as exc:
        if not isinstance(exc, etree.XMLSyntaxError):
            raise InputFileError(f"cannot read the file: {exc}", file=path.name) from exc
        raise InputFileError(
            f"not well-formed XML: {exc.msg}",
            file=path.name,
            row=exc.lineno or None,
            hint="the file may be truncated or edited by hand; export it again from the system",
        ) from exc
    finally:
        source.close()
    if not root_seen:
        raise InputFileError("the file is empty", file=path.name)
    header = type_header(header_raw, HEADER_ITEMS, file=path.name)
    header["unknown_elements"] = sorted(collector.unknown)
    tables = {
        module.name: type_table(pd.DataFrame(collector.rows[module.name]), module, file=path.name)
        for module in MODULES
    }
    return Sen2Return(header=header, tables=tables, file_name=path.name, layout="xml")


_TAGS = [f"{case(name)}" for name in ("Person", "Header") for case in (str, str.lower, str.upper)]


def _check_root_of(path: Path) -> bool:
    """Check the root element (name, namespace); False when the file holds no element."""
    with _open(path) as source:
        try:
            for _event, element in etree.iterparse(
                source, events=("start",), resolve_entities=False, no_network=True, load_dtd=False
            ):
                _check_root(element, path)
                return True
        except etree.XMLSyntaxError as exc:
            raise InputFileError(
                f"not well-formed XML: {exc.msg}", file=path.name, row=exc.lineno or None
            ) from exc
        except (EOFError, OSError) as exc:
            raise InputFileError(f"cannot read the file: {exc}", file=path.name) from exc
    return False


def _check_root(element, path: Path) -> None:
    namespace = etree.QName(element.tag).namespace
    if namespace:
        raise InputFileError(
            f"the root element is in XML namespace {namespace!r}; SEN2 returns use no namespace",
            file=path.name,
            row=element.sourceline,
            hint="is this a SEN2 return? other DfE collections use their own namespaces",
        )
    if _local(element.tag) != "message":
        raise InputFileError(
            f"the root element is <{element.tag}>, not <Message>",
            file=path.name,
            row=element.sourceline,
            hint="a SEN2 return starts with <Message><Header>",
        )
