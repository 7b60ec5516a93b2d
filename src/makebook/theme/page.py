"""The printed page a book is designed for: margins in proportion to the trim, and the room a
running head has (print.css sets running heads in 8pt capitals, letter-spaced).

Below the PDF writer so the whole-book checks can say, before any layout, which
chapter title is too long for its running head.
"""

from __future__ import annotations

import re

from makebook.config.trim import inches
from makebook.model import TrimSize

# Margins (inches) designed for the 5.5in x 8.5in trim; other trims scale them. On a thin book
# the outer margin is at least the inner (the two inner margins read as one across the
# spread); pdf/geometry.py widens the inner one as the page count grows.
BASE = {'width': 5.5, 'height': 8.5, 'top': 0.7, 'bottom': 0.8, 'outer': 0.7, 'inner': 0.65}
# Running heads are set in 8pt capitals, letter-spaced: about ten a text-block inch.
RUNNING_CHARS_PER_INCH = 10
# Where a long title may be cut for its running head: after a colon, before a dash, at a comma.
_NATURAL_BREAK = re.compile(r'\s*(?::|;|,|\s[—–-]\s|—)\s*')


def base_text_width_inches(trim: TrimSize) -> float:
    """The text block's width on a thin book (no extra gutter)."""
    across = inches(trim.width) / BASE['width']
    return inches(trim.width) - (BASE['inner'] + BASE['outer']) * across


def running_head(title: str, trim: TrimSize) -> tuple[str, bool]:
    """The title as a running head holds it, and whether it is whole or cut at a natural break.

    A title that fits is kept. A longer one is cut at its last colon, dash or
    comma that leaves a head that fits ("The Story Behind the Film: Development
    and Direction" -> "The Story Behind the Film"); failing that it is cut at a
    word with an ellipsis, and the second value is False: ask for a short title.
    """
    limit = max(20, int(base_text_width_inches(trim) * RUNNING_CHARS_PER_INCH))
    title = ' '.join(title.split())
    if len(title) <= limit:
        return title, True
    cuts = [match.start() for match in _NATURAL_BREAK.finditer(title)
            if 8 <= match.start() <= limit]
    if cuts:
        return title[:cuts[-1]].rstrip(), True
    cut = title[:limit - 1].rsplit(' ', 1)[0].rstrip(' ,;:—–-')
    return cut + '…', False
