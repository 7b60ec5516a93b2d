"""Pandoc bracketed spans: ``[text]{.smallcaps}``, ``[text]{#anchor}``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from makebook.extensions import attributes

SPAN_RE = r'(?<![!\]\\])\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]\{(?P<attrs>[^{}\n]*)\}'


class SpanProcessor(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str):
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
        md.inlinePatterns.register(SpanProcessor(SPAN_RE, md), 'span', 172)


def makeExtension(**kwargs) -> SpanExtension:
    return SpanExtension(**kwargs)
