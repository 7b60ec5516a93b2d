"""A heading's short title for the running heads: ``# A Long Title {short-title="Short"}``.

Python-Markdown's attribute lists set ``short-title`` on the heading, an
attribute no HTML knows, which the sanitiser would remove; it is kept as
``data-short-title`` (valid in every edition), which the print edition reads.

Registers a treeprocessor ``makebook-short-titles`` at priority 7, after
``attr_list`` (8).
"""

from __future__ import annotations

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ATTRIBUTE = 'data-short-title'
_HEADINGS = frozenset({'h1', 'h2', 'h3', 'h4', 'h5', 'h6'})


class ShortTitles(Treeprocessor):
    def run(self, root):  # type: ignore[no-untyped-def]  # Python-Markdown's API is untyped
        for node in root.iter():
            value = node.attrib.pop('short-title', None)
            if value is not None and node.tag in _HEADINGS and value.strip():
                node.set(ATTRIBUTE, ' '.join(value.split()))


class ShortTitleExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(ShortTitles(md), 'makebook-short-titles', 7)


def makeExtension(**kwargs: object) -> ShortTitleExtension:
    return ShortTitleExtension(**kwargs)
