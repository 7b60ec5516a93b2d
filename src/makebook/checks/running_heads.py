"""Every running head must read well: a title too long for one is cut at a natural break.

The print edition heads its pages with the book's title (left) and the
chapter's (right), in capitals across the text block. A title longer than
that is cut after a colon, before a dash or at a comma (theme/page.py); one
with no such break would be cut mid-phrase ("…THAT WILL…"), so the author is
asked for a short title, with the file and line of the heading.
"""

from __future__ import annotations

from html import unescape
from pathlib import Path

from makebook import codes
from makebook.errors import Diagnostic
from makebook.extensions.short_titles import ATTRIBUTE
from makebook.model import RenderedBook
from makebook.theme.page import running_head


def titles_fit_their_running_heads(book: RenderedBook) -> list[Diagnostic]:
    meta = book.metadata
    found = []
    head, natural = running_head(meta.short_title or meta.title, meta.trim)
    if not natural:
        found.append(codes.LONG_RUNNING_HEAD(
            f"the book's title is too long for the running heads and has no colon, dash or comma "
            f"to cut at: they would read '{head}'; add 'short-title:' to the metadata"))
    for chapter in book.chapters:
        if chapter.epub_type in ('dedication', 'epigraph'):
            continue  # no running head on those pages
        short = _short_title(chapter.body)
        head, natural = running_head(short or chapter.title, meta.trim)
        if not natural:
            path = book.root / chapter.source if chapter.source != 'metadata' else None
            found.append(codes.LONG_RUNNING_HEAD(
                f"the title '{chapter.title}' is too long for its running head and has no colon, "
                f"dash or comma to cut at: it would read '{head}'; give it a short title "
                f'({{short-title="…"}} after the heading)', path,
                _line_of(path, chapter.title) if path is not None else None))
    return found


def _short_title(body: str) -> str | None:
    """The chapter heading's short title, if the author gave one."""
    marker = f'{ATTRIBUTE}="'
    start = body.find(marker)
    heading_end = body.find('</h1>')
    if start < 0 or (heading_end >= 0 and start > heading_end):
        return None
    end = body.find('"', start + len(marker))
    return unescape(body[start + len(marker):end])


def _line_of(path: Path, title: str) -> int | None:
    try:
        lines = path.read_text(encoding='utf-8').splitlines()
    except (OSError, UnicodeError):
        return None
    return next((n for n, line in enumerate(lines, start=1) if line.lstrip().startswith('#')
                 and title[:30] in line), None)
