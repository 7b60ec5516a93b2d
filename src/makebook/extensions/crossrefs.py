"""Quarto-style cross-references: ``@fig-x``, ``@sec-x``, ``@tbl-x``, ``@eq-x`` (and
pandoc-crossref's ``@fig:x``..., whose ids read ``fig-x`` in the book).

Each becomes an empty ``<a class="xref" href="#fig-x">``; the renderer fills
in the text ("figure 3", the section's title) once the whole book is known,
and the PDF replaces it with the figure or page number from the layout.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from makebook.extensions import InlineResult

XREF_RE = r'(?<![\w@.\\])@(?P<id>(?:fig|sec|tbl|eq)[-:][\w:-]*\w)'


class CrossRefProcessor(InlineProcessor):
    # InlineProcessor.handleMatch takes (m, data) where Pattern's takes (m); the stubs ignore it too.
    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        link = ET.Element('a')
        link.set('href', '#' + m.group('id').replace(':', '-'))
        link.set('class', 'xref')
        return link, m.start(0), m.end(0)


class CrossRefExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the inline processor.

        | Class instance      | Registry       | Name   | Priority |
        | ------------------- | -------------- | ------ | :------: |
        | `CrossRefProcessor` | inlinePatterns | `xref` | `115`    |

        After the link patterns (160-120) and before 'automail' (110), so an
        address like ``<me@sec-x.org>`` stays an address.
        """
        md.inlinePatterns.register(CrossRefProcessor(XREF_RE, md), 'xref', 115)


def makeExtension(**kwargs: object) -> CrossRefExtension:
    return CrossRefExtension(**kwargs)
