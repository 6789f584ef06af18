"""The shipped demo: SEN2 returns 2019-2024 of "Stockbridge (fictional)", shaped like Stockport.

The files under ``highneeds/data/demo/`` are made by :func:`build_demo` with the default
:class:`~highneeds.sen2.synth.SynthConfig` (seed 2024); ``python -m highneeds.sen2.demo``
rebuilds them byte for byte.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from highneeds.sen2.synth import SynthConfig, fictional_establishments, generate
from highneeds.sen2.write import write_xml


def demo_folder() -> Path:
    return Path(str(resources.files("highneeds.data") / "demo"))


def fictional_la_names() -> dict[str, str]:
    """LA number -> name of the fictional LAs whose data ships with highneeds (they are in no
    reference list, so the LA resolver asks here)."""
    from highneeds.sen2.synth import LA_CODE, LA_NAME

    return {LA_CODE: LA_NAME}


def demo_paths() -> list[Path]:
    """The demo returns, oldest first (``sen2-<year>.xml.gz``)."""
    return sorted(demo_folder().glob("sen2-*.xml.gz"))


def build_demo(folder: Path | None = None, config: SynthConfig | None = None) -> list[Path]:
    folder = folder or demo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with tempfile.TemporaryDirectory() as tmp:
        for ret in generate(config or SynthConfig()):
            plain = write_xml(ret, Path(tmp) / f"sen2-{ret.year}.xml")
            target = folder / f"sen2-{ret.year}.xml.gz"
            # mtime=0 keeps the archive identical from one build to the next.
            with open(plain, "rb") as src, gzip.GzipFile(target, "wb", mtime=0) as dst:
                shutil.copyfileobj(src, dst)
            paths.append(target)
    fictional_establishments().drop(columns="family").to_csv(
        folder / "establishments.csv", index=False
    )
    return paths


if __name__ == "__main__":
    for path in build_demo():
        print(path)
