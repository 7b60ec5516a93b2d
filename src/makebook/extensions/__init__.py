"""Python-Markdown extensions that read manuscripts the way pandoc, Quarto and mdBook do.

One module per extension, each registering its processors in ``extendMarkdown``
(the docstring of each lists registry, name and priority). Processors that
find a problem append ``(code, message, needle)`` to ``md.makebook_warnings``;
the renderer turns the needle (a piece of the source) into a file and line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markdown import Markdown

from makebook.codes import Code

# What an InlineProcessor's handleMatch returns (as types-Markdown has it): the element
# or text to insert and where the match starts and ends; (None, None, None) for no match.
InlineResult = tuple[ET.Element | str | None, int | None, int | None]


def warn(md: Markdown, code: Code, message: str, needle: str) -> None:
    """Record a problem for the renderer, which knows the file and finds the line."""
    found: list[tuple[str, str, str | int]] = md.__dict__.setdefault('makebook_warnings', [])
    found.append((code.id, message, needle))


def warn_at(md: Markdown, code: Code, message: str, line: int) -> None:
    """Record a problem at a known line (counted from 0 in the text Markdown was given)."""
    found: list[tuple[str, str, str | int]] = md.__dict__.setdefault('makebook_warnings', [])
    found.append((code.id, message, line))


# The order matters only for readability; priorities decide the run order.
EXTENSIONS = (
    'makebook.extensions.commonmark',
    'makebook.extensions.raw_format',
    'makebook.extensions.fenced_divs',
    'makebook.extensions.line_blocks',
    'makebook.extensions.math',
    'makebook.extensions.spans',
    'makebook.extensions.pandoc_inline',
    'makebook.extensions.crossrefs',
    'makebook.extensions.figures',
    'makebook.extensions.table_captions',
    'makebook.extensions.short_titles',
)
