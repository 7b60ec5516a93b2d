"""Pandoc bracketed spans: ``[text]{.smallcaps}``, ``[text]{#anchor}``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from makebook.extensions import InlineResult, attributes

SPAN_RE = r'(?<![!\]\\])\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]\{(?P<attrs>[^{}\n]*)\}'


class SpanProcessor(InlineProcessor):
    # InlineProcessor.handleMatch takes (m, data) where Pattern's takes (m); the stubs ignore it too.
    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        attrs = attributes.parse(m.group('attrs'))
        if m.group('attrs').lstrip().startswith('='):
            return None, None, None  # a raw inline, not a span
        span = ET.Element('span')
        span.text = m.group('text')
        attrs.apply(span)
        return span, m.start(0), m.end(0)


class SpanExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the inline processor.

        | Class instance  | Registry       | Name   | Priority |
        | --------------- | -------------- | ------ | :------: |
        | `SpanProcessor` | inlinePatterns | `span` | `172`    |

        Before 'reference' (170) and 'link' (160), which would otherwise read
        ``[text]`` as a shortcut reference; after 'escape' (180).
        """
        processor = SpanProcessor(SPAN_RE, md)
        # Every match of a paragraph at once (the commonmark extension's LinearInline), not the
        # paragraph rebuilt for each ('[x]{.c} ' x 40,000: 4.0 CPU s, exponent 1.27). A span
        # reads nothing after its match and, before it, one character that may not be '!',
        # ']' or '\\': the '}' that ends the span before is read there as its placeholder's
        # end was, so no look-back differs.
        processor.makebook_at_once = True  # type: ignore[attr-defined]
        md.inlinePatterns.register(processor, 'span', 172)


def makeExtension(**kwargs: object) -> SpanExtension:
    return SpanExtension(**kwargs)
