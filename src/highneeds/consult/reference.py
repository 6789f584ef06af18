"""Reference numbers a respondent can read out over the phone or copy from a letter.

Nine characters shown as three groups of three (``K7M-QX9-PDR``): eight random characters and a
check character. The alphabet has 23 symbols and leaves out those people confuse (0/O, 1/I/L,
2/Z, 5/S, 8/B, U/V), so a reference survives handwriting and dictation. 23 is prime
and each position has its own weight, so the check character catches every single wrong character
and every swap of two characters.
"""

from __future__ import annotations

import secrets

ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
PAYLOAD_LENGTH = 8
GROUP = 3
assert len(ALPHABET) == 23  # prime: the check character relies on it


def check_character(payload: str) -> str:
    """The check character for a payload of alphabet symbols (weights 1, 2, 3, ... mod 23)."""
    total = sum((position + 1) * _VALUE[symbol] for position, symbol in enumerate(payload))
    return ALPHABET[total % len(ALPHABET)]


def new_reference() -> str:
    """A fresh random reference, formatted for display (about 7.8e10 possibilities)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD_LENGTH))
    return format_reference(payload + check_character(payload))


def format_reference(compact: str) -> str:
    """``K7MQX9PDR`` -> ``K7M-QX9-PDR``."""
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def normalise_reference(text: str) -> str | None:
    """The displayed form of a reference typed by a person, or None if it is not a valid one.

    Spaces, hyphens and case are ignored; a wrong check character gives None.
    """
    compact = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(compact) != PAYLOAD_LENGTH + 1 or any(ch not in _VALUE for ch in compact):
        return None
    if check_character(compact[:-1]) != compact[-1]:
        return None
    return format_reference(compact)
