"""Pandoc's inline extras: its wider backslash escapes, ``~~strike~~``, ``^sup^``, ``~sub~``.

Pandoc lets any ASCII punctuation be escaped (``\\$``, ``\\|``, ``\\~``...);
Python-Markdown only a few, so the rest leaked their backslash. A backslash
before a space is a no-break space, as in pandoc.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor, SimpleTagInlineProcessor

from makebook.extensions import InlineResult

PANDOC_ESCAPES = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'
STRIKE_RE = r'(~~)(?=\S)(.+?)(?<=\S)~~'
SUP_RE = r'(\^)((?:\\.|[^\s^\\\]])+)\^'
SUB_RE = r'(?<!~)(~)((?:\\.|[^\s~\\])+)~(?!~)'


class NbspProcessor(InlineProcessor):
    # InlineProcessor.handleMatch takes (m, data) where Pattern's takes (m); the stubs ignore it too.
    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        return '\u00a0', m.start(0), m.end(0)


class PandocInlineExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Widen the escapes and register the inline processors.

        | Class instance             | Registry       | Name          | Priority |
        | -------------------------- | -------------- | ------------- | :------: |
        | `NbspProcessor`            | inlinePatterns | `escape_nbsp` | `181`    |
        | `SimpleTagInlineProcessor` | inlinePatterns | `strike`      | `65`     |
        | `SimpleTagInlineProcessor` | inlinePatterns | `superscript` | `64`     |
        | `SimpleTagInlineProcessor` | inlinePatterns | `subscript`   | `63`     |

        Strike runs before subscript, which would eat its first tilde; all
        three run before 'em_strong' (60) and after 'footnote' (175), whose
        ``[^1]`` would look like a superscript.
        """
        md.ESCAPED_CHARS = list(dict.fromkeys([*md.ESCAPED_CHARS, *PANDOC_ESCAPES]))
        md.inlinePatterns.register(NbspProcessor(r'\\ '), 'escape_nbsp', 181)
        for pattern, tag, name, priority in ((STRIKE_RE, 'del', 'strike', 65),
                                             (SUP_RE, 'sup', 'superscript', 64),
                                             (SUB_RE, 'sub', 'subscript', 63)):
            processor = SimpleTagInlineProcessor(pattern, tag)
            # Every match of a paragraph at once (the commonmark extension's LinearInline), not
            # the paragraph rebuilt for each ('~~a~~ H~2~O x^2^' x 20,000: quadratic). Each
            # reads nothing before its match but one character (subscript's '(?<!~)'), which
            # is checked again where a match starts at the end of the one before.
            processor.makebook_at_once = True  # type: ignore[attr-defined]
            processor.makebook_after_own = True  # type: ignore[attr-defined]
            md.inlinePatterns.register(processor, name, priority)


def makeExtension(**kwargs: object) -> PandocInlineExtension:
    return PandocInlineExtension(**kwargs)
