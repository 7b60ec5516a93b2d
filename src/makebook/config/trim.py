"""Trim sizes (the printed page) and the one parser of print lengths."""

from __future__ import annotations

import re
from collections.abc import Mapping

from makebook.model import DEFAULT_TRIM, TrimSize

TRIM_PRESETS: Mapping[str, TrimSize] = {
    '5x8': TrimSize('5in', '8in'),
    '5.25x8': TrimSize('5.25in', '8in'),
    '5.5x8.5': DEFAULT_TRIM,
    '6x9': TrimSize('6in', '9in'),
    'a5': TrimSize('148mm', '210mm'),
    'b-format': TrimSize('129mm', '198mm'),
    'letter': TrimSize('8.5in', '11in'),
}
_UNITS = {'in': 1.0, 'mm': 1 / 25.4, 'cm': 1 / 2.54, 'pt': 1 / 72}
# One number (digits, a point, digits) and a unit: no pattern that backtracks on a long number.
_NUMBER = r'(?:[0-9]{1,6}(?:\.[0-9]{1,6})?|\.[0-9]{1,6})'
_LENGTH = re.compile(rf'\s*({_NUMBER})\s*(in|mm|cm|pt)\s*')
# A page between 1 and 40 inches a side: anything else is a typing error, and a layout of it
# a runaway.
_SMALLEST, _LARGEST = 1.0, 40.0


def inches(length: str) -> float:
    """A print length ('5.5in', '148mm', '12pt') in inches; raises ValueError."""
    match = _LENGTH.fullmatch(length)
    if match is None:
        raise ValueError(f'not a length: {length!r}')
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_trim(value: object) -> TrimSize | None:
    """A preset name ('6x9', 'A5') or 'WIDTH x HEIGHT' ('5.5in x 8.5in'; bare numbers are inches)."""
    if not isinstance(value, str):
        return None
    name = re.sub(r'\s+', '', value.lower()).replace('×', 'x')
    if name in TRIM_PRESETS:
        return TRIM_PRESETS[name]
    parts = name.split('x')
    if len(parts) != 2:
        return None
    if all(re.fullmatch(_NUMBER, part) for part in parts):
        parts = [f'{part}in' for part in parts]
    if not all(_LENGTH.fullmatch(part) for part in parts):
        return None
    if not all(_SMALLEST <= inches(part) <= _LARGEST for part in parts):
        return None
    return TrimSize(*parts)
