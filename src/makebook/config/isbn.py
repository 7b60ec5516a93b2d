"""ISBNs: normalised and their check digit verified, so a typo never reaches a store.

Retailers reject an EPUB whose ISBN does not check; catching it at build time
names the metadata line instead of a bounced upload weeks later.
"""

from __future__ import annotations

import re

from makebook.errors import clip

_SEPARATORS = re.compile(r'[\s-]+')


def parse_isbn(text: str) -> str:
    """The ISBN's digits (ISBN-10 keeps a final 'X'); raises ValueError saying what is wrong.

    Accepts '978-0-306-40615-7', 'ISBN 0-306-40615-2' and 'urn:isbn:9780306406157'.
    """
    value = text.strip()
    for prefix in ('urn:isbn:', 'isbn:', 'isbn-13:', 'isbn-10:', 'isbn'):
        if value.lower().startswith(prefix):
            value = value[len(prefix):]
            break
    digits = _SEPARATORS.sub('', value).upper()
    if re.fullmatch(r'[0-9]{13}', digits):
        expected = _check_digit_13(digits[:12])
    elif re.fullmatch(r'[0-9]{9}[0-9X]', digits):
        expected = _check_digit_10(digits[:9])
    else:
        raise ValueError(f"'{clip(text)}' is not an ISBN (13 digits, or 10 with a final X allowed)")
    if digits[-1] != expected:
        raise ValueError(f"'{clip(text)}' has a wrong check digit: {digits[-1]} given, "
                         f'{expected} expected (is a digit mistyped?)')
    return digits


def _check_digit_13(first12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def _check_digit_10(first9: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return 'X' if check == 10 else str(check)


def hyphenated(isbn: str) -> str:
    """The ISBN as a copyright page prints it, hyphenated between its registration group,
    registrant, publication and check digit (978-1-4028-9462-6): ISBN International's
    ranges, which python-stdnum keeps; the digits alone for a range it does not know."""
    from stdnum import isbn as ranges

    try:
        return str(ranges.format(isbn))
    except Exception:  # an unassigned range: print the digits as given
        return isbn
