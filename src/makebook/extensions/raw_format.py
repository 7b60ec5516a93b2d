"""Pandoc raw blocks and inlines: ```` ```{=html} ```` and `` `<b>`{=html} ``.

HTML goes into Python-Markdown's HTML stash, the same path raw HTML written
straight into the Markdown takes (so whatever sanitises raw HTML sees it too).
Other formats (``latex``, ``tex``, ``openxml``...) mean nothing in a book made
of HTML: they are dropped, with a warning saying so.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from makebook import codes
from makebook.extensions import InlineResult, warn

HTML_FORMATS = {'html', 'html4', 'html5', 'xhtml', 'epub', 'epub3'}
BLOCK_RE = re.compile(
    r'^(?P<fence>`{3,}|~{3,})[ \t]*\{[ \t]*=(?P<format>[\w-]+)[ \t]*\}[ \t]*\n'
    r'(?P<body>.*?)\n?(?P=fence)[ \t]*$', re.MULTILINE | re.DOTALL)
INLINE_RE = r'(?<!`)(?P<ticks>`+)(?!`)(?P<body>.+?)(?<!`)(?P=ticks)(?!`)\{=(?P<format>[\w-]+)\}'


class RawBlockPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = '\n'.join(lines)
        if '{=' not in text:
            return lines
        return BLOCK_RE.sub(self._replace, text).split('\n')

    def _replace(self, match: re.Match[str]) -> str:
        fmt = match.group('format').lower()
        if fmt in HTML_FORMATS:
            return '\n\n' + self.md.htmlStash.store(match.group('body')) + '\n\n'
        warn(self.md, codes.RAW_FORMAT_DROPPED, f'a raw {fmt} block is left out: only {{=html}} means '
             'something in an EPUB, a PDF made from HTML and a web page', match.group(0).split('\n')[0])
        return '\n\n'


class RawInlineProcessor(InlineProcessor):
    # InlineProcessor.handleMatch takes (m, data) where Pattern's takes (m); the stubs ignore it too.
    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        fmt = m.group('format').lower()
        if fmt in HTML_FORMATS:
            return self.md.htmlStash.store(m.group('body')), m.start(0), m.end(0)
        warn(self.md, codes.RAW_FORMAT_DROPPED, f'a raw {fmt} inline is left out: only {{=html}} is kept',
             m.group(0))
        return '', m.start(0), m.end(0)


class RawFormatExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors.

        | Class instance         | Registry       | Name         | Priority |
        | ---------------------- | -------------- | ------------ | :------: |
        | `RawBlockPreprocessor` | preprocessors  | `raw_block`  | `29`     |
        | `RawInlineProcessor`   | inlinePatterns | `raw_inline` | `195`    |

        The block one runs before 'fenced_code_block' (25), which would make
        it a code block; the inline one before 'backtick' (190), for the
        same reason.
        """
        md.preprocessors.register(RawBlockPreprocessor(md), 'raw_block', 29)
        md.inlinePatterns.register(RawInlineProcessor(INLINE_RE, md), 'raw_inline', 195)


def makeExtension(**kwargs: object) -> RawFormatExtension:
    return RawFormatExtension(**kwargs)
