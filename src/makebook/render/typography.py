"""The language's typographic conventions applied to a converted file's text, never to code.

Each block (a paragraph, a heading, a list item, a table cell...) is set in
one piece by :func:`makebook.config.typography.typeset`: its text, its inline
elements' text and their tails, in reading order, each run in the language of
its nearest ``lang`` (a ``[Hello]{lang=en}`` in a French paragraph keeps
English rules). Code, keyboard input, sample output, math and SVG are opaque:
never changed, but counted as a word by their neighbours (``` `ls` ?```).
A ``{lang=de}`` on a level-1 heading sets the whole chapter's language, as
for hyphenation (README, The print edition).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from makebook.config.language import is_language_tag
from makebook.config.typography import MARKERS, Conventions, conventions_for, typeset
from makebook.model import XHTML_NS, XML_NS, SourceFile
from makebook.render.chapters import Draft
from makebook.xhtml import plain_text

# Elements whose content is never typeset: code and what is like it.
_OPAQUE = frozenset({'code', 'kbd', 'samp', 'var', 'pre', 'script', 'style', 'math', 'svg', 'tt'})
# Elements that start a block of their own (their text is set apart from their parent's).
_BLOCKS = frozenset({
    'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'details', 'div', 'dl',
    'dt', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li',
    'main', 'nav', 'ol', 'p', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead',
    'tr', 'ul', 'audio', 'video', 'br',
})


# What some convention changes: quote markers, and the punctuation French spaces.
_TOUCHED = re.compile(f'[{MARKERS};:!?«»‹›]')


@dataclass(frozen=True, slots=True)
class Typography:
    """What setting a book's text needs: its language and its ``quotes:`` choice."""

    language: str = 'en'
    quotes: str | None = None

    def conventions(self, language: str | None) -> Conventions:
        return conventions_for(language or self.language, self.quotes)


def typeset_tree(root: etree._Element, typography: Typography, language: str | None = None) -> None:
    """Set every block of text under ``root`` (a file's <body>, its notes' <ol>) in place."""
    chapter_language = language
    for block in _blocks(root):
        if _local(block) == 'h1':  # a {lang=xx} on a chapter heading is the chapter's language
            chapter_language = block.get('lang') or language
        base = _inherited_language(block, root) or chapter_language
        runs = list(_runs(block, base))
        if not any(_TOUCHED.search(text) for text, _, _, _ in runs):
            continue  # nothing in this block any convention touches
        texts = typeset([(text, None if opaque else typography.conventions(lang))
                         for text, lang, opaque, _ in runs])
        for (_, _, opaque, (node, attribute)), text in zip(runs, texts, strict=True):
            if not opaque:
                setattr(node, attribute, text or None)


def retitle(draft: Draft, typography: Typography, language: str | None) -> None:
    """Set a chapter's heading (made from a front matter's ``title:``) and take its title again;
    a ``lang`` on the heading becomes the chapter's.

    Setting text twice changes nothing, so headings of the Markdown are left as they were.
    """
    heading = draft.element.find(f'{{{XHTML_NS}}}h1')
    if heading is None:
        return
    section = draft.element
    chapter_language = _language_of(heading)
    if chapter_language and not _language_of(section):
        # '# Invierno {lang=es}': the chapter is in Spanish in every edition (screen readers,
        # hyphenation), as README says, not only its heading.
        section.set('lang', chapter_language)
        section.set(f'{{{XML_NS}}}lang', chapter_language)
    typeset_tree(heading, typography, _language_of(section) or language)
    draft.title = plain_text(heading) or draft.title


def file_language(source: SourceFile) -> str | None:
    """The language a file's front matter gives (``lang: de``), if any."""
    lang = source.front_matter.get('lang')
    return lang if isinstance(lang, str) and is_language_tag(lang) else None


def _blocks(root: etree._Element) -> Iterator[etree._Element]:
    """Every block element under ``root`` (``root`` included), outside opaque elements."""
    stack = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str) or _local(node) in _OPAQUE:
            continue
        if node is root or _local(node) in _BLOCKS:
            yield node
        stack.extend(reversed(list(node)))


Run = tuple[str, str | None, bool, tuple[etree._Element, str]]  # text, language, opaque, where


def _runs(block: etree._Element, language: str | None) -> Iterator[Run]:
    """The block's own text in reading order (nested blocks left to their own turn)."""
    yield block.text or '', language, False, (block, 'text')
    for child in block:
        if not isinstance(child.tag, str):  # a comment
            # lxml-stubs type every .tag as str; a comment's is a function.
            yield child.tail or '', language, False, (child, 'tail')  # type: ignore[unreachable]
            continue
        local = _local(child)
        if local in _BLOCKS:
            pass  # set as a block of its own
        elif local in _OPAQUE or _is_note_call(child):
            yield _text_of(child), language, True, (child, 'text')
        else:
            yield from _runs(child, _language_of(child) or language)
        yield child.tail or '', language, False, (child, 'tail')


def _text_of(node: etree._Element) -> str:
    return ''.join(t if isinstance(t, str) else t.decode() for t in node.itertext()) or ' '


def _is_note_call(node: etree._Element) -> bool:
    """A footnote's call (Python-Markdown's <sup><a class="footnote-ref">): a number, not text."""
    return 'footnote-ref' in (node.get('class') or '') or (
        _local(node) == 'sup' and node.get('id', '').startswith('fnref'))


def _inherited_language(node: etree._Element, root: etree._Element) -> str | None:
    """The nearest ``lang`` on ``node`` or an ancestor of it up to ``root``."""
    current: etree._Element | None = node
    while current is not None:
        found = _language_of(current)
        if found or current is root:
            return found
        current = current.getparent()
    return None


def _language_of(node: etree._Element) -> str | None:
    return node.get('lang') or node.get(f'{{{XML_NS}}}lang')


def _local(node: etree._Element) -> str:
    tag = node.tag
    return tag[len(XHTML_NS) + 2:] if tag.startswith(f'{{{XHTML_NS}}}') else tag.rsplit('}', 1)[-1]
