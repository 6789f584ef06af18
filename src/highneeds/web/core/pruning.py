"""Things that expire, deleted by ``prune_sessions_and_limits``: each app registers its own.

A pruner is a function of no arguments that deletes what has expired and returns how many it
deleted; its label says what in words ("saved consultation responses").
"""

from __future__ import annotations

from collections.abc import Callable

_PRUNERS: dict[str, Callable[[], int]] = {}


def register(label: str, pruner: Callable[[], int]) -> None:
    """Have ``prune_sessions_and_limits`` run ``pruner`` (registered in an app's ``ready``)."""
    _PRUNERS[label] = pruner


def prune_all() -> dict[str, int]:
    """Run every registered pruner: {label: how many were deleted}."""
    return {label: pruner() for label, pruner in _PRUNERS.items()}
