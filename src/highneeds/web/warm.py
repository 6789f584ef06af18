"""Warm a server process before it takes requests, so no user waits for a cold start.

A fresh process otherwise pays on its first request for importing every view and the core
modules they reach (pandas, matplotlib, the forecast and finance code), compiling templates
and loading matplotlib's fonts: 9–15 s measured before this existed. ``warm()`` does all of
that once at start (``highneeds.web.wsgi`` calls it; under ``manage.py serve`` gunicorn
preloads the app so its workers are forked warm). HIGHNEEDS_WARM=0 turns it off (tests).
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

#: Core modules the views import lazily (through web.workspace.core_api and services).
CORE_MODULES = (
    "pandas",
    "numpy",
    "matplotlib.figure",
    "matplotlib.backends.backend_svg",
    "matplotlib.backends.backend_agg",
    "highneeds.charts",
    "highneeds.spreadsheet",
    "highneeds.analysis.overview",
    "highneeds.analysis.jsna_export",
    "highneeds.importers.dfe",
    "highneeds.importers.registry",
    "highneeds.finance.benchmark",
    "highneeds.finance.la_inputs",
    "highneeds.finance.scenarios",
    "highneeds.forecast.markov",
    "highneeds.forecast.export",
    "highneeds.consult.analysis.report_data",
    "highneeds.consult.report",
)


def enabled() -> bool:
    return os.environ.get("HIGHNEEDS_WARM", "1") not in ("0", "false", "no")


def _views() -> int:
    """Import every view module by walking the URL patterns; returns how many patterns."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns) -> int:
        count = 0
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                count += walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                count += 1
        return count

    return walk(get_resolver().url_patterns)


def _templates() -> int:
    """Compile every template of the project's apps into the cached loader."""
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template

    compiled = 0
    roots = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    package = Path(__file__).parent
    roots += [p for p in package.glob("*/templates") if p.is_dir()]
    roots.append(package / "templates")
    for root in dict.fromkeys(roots):
        for path in root.rglob("*.html"):
            try:
                get_template(path.relative_to(root).as_posix())
                compiled += 1
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue  # a partial only another template can load: it is compiled there
    return compiled


def _fonts() -> None:
    """Load matplotlib's font cache and text layout by drawing one tiny chart."""
    import pandas as pd

    from highneeds import charts

    frame = pd.DataFrame({"January census year": [2023, 2024], "EHCPs": [1.0, 2.0]})
    charts.to_svg(charts.table_figure(frame, "Warm-up (£)"))


def warm() -> float:
    """Import, compile and draw once; returns the seconds it took. Never raises: a module
    that fails to import here fails, with its own message, on the request that needs it."""
    if not enabled():
        return 0.0
    start = time.perf_counter()
    for name in CORE_MODULES:
        try:
            importlib.import_module(name)
        except Exception as error:  # warming must never stop the server
            log.warning("warm-up: could not import %s: %s", name, error)
    for step in (_views, _templates, _fonts):
        try:
            step()
        except Exception as error:
            log.warning("warm-up: %s failed: %s", step.__name__, error)
    from django.db import connections

    connections.close_all()  # a preloaded master must not hand its connection to workers
    seconds = time.perf_counter() - start
    log.info("warm-up took %.1f s", seconds)
    return seconds
