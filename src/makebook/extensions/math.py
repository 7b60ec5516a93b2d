"""TeX math: ``$...$`` inline and ``$$...$$`` display, by pandoc's rules.

An opening ``$`` has no space after it, a closing one no space before it and
no digit after it, so "$5 and $10" stays prose. The formula becomes
``<span class="math inline|display">TeX</span>``; the renderer turns it into
MathML (EPUB, web) and the PDF writer into SVG, where the formats diverge.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET

from markdown import Markdown, util
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from makebook.extensions import InlineResult

# A display formula may carry an id, as Quarto ('{#eq-x}') and pandoc-crossref ('{#eq:x}') write it.
DISPLAY_RE = (r'(?<![\\$])\$\$(?P<tex>(?:\\.|[^$\\])+?)\$\$'
              r'(?:[ \t]*\{#(?P<id>eq[-:][^\s{}]+)\})?')
INLINE_RE = r'(?<![\\$])\$(?![\s$])(?P<tex>(?:\\.|[^$\\])+?)(?<![\s\\])\$(?![\d$])'


class MathProcessor(InlineProcessor):
    def __init__(self, pattern: str, md: Markdown, display: bool) -> None:
        super().__init__(pattern, md)
        self.display = display

    # InlineProcessor.handleMatch takes (m, data) where Pattern's takes (m); the stubs ignore it too.
    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        span = ET.Element('span')
        span.set('class', 'math display' if self.display else 'math inline')
        span.text = util.AtomicString(_dedent(m.group('tex')).strip())
        if self.display and m.group('id'):
            span.set('id', m.group('id'))
        return span, m.start(0), m.end(0)


def _dedent(tex: str) -> str:
    """The TeX with the indentation common to its second and later lines taken off: the
    CommonMark writer indents the lines of display math so that Python-Markdown reads none of
    them as Markdown (extensions.commonmark.writer.paragraph_lines); the alt text is the author's."""
    first, _, rest = tex.partition('\n')
    return f'{first}\n{textwrap.dedent(rest)}' if rest else first


class MathExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the inline processors.

        | Class instance  | Registry       | Name           | Priority |
        | --------------- | -------------- | -------------- | :------: |
        | `MathProcessor` | inlinePatterns | `math_display` | `186`    |
        | `MathProcessor` | inlinePatterns | `math_inline`  | `185`    |

        After 'backtick' (190), so code keeps its dollars, and before
        'escape' (180), so ``\\{`` inside TeX stays TeX; ``\\$`` outside math is
        never an opening dollar, and 'escape' then removes its backslash.
        """
        md.inlinePatterns.register(MathProcessor(DISPLAY_RE, md, True), 'math_display', 186)
        md.inlinePatterns.register(MathProcessor(INLINE_RE, md, False), 'math_inline', 185)


def makeExtension(**kwargs: object) -> MathExtension:
    return MathExtension(**kwargs)
