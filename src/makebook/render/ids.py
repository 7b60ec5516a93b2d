"""Ids unique in the whole book, remembering what each file called them.

The PDF and the web edition are one document, so every ``id`` must be unique
across the book; a link written in the source (``other.md#x``, ``#x``) still
finds its target through the names each file gave.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from makebook.config.typography import LEFT_DOUBLE, LEFT_SINGLE, RIGHT_DOUBLE, RIGHT_SINGLE
from makebook.model import XHTML_NS
from makebook.xhtml import text_content


class IdRegistry:
    """Hands out ids unique in the whole book; remembers each file's own names."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.by_file: dict[str, dict[str, str]] = {}
        self._next: dict[str, int] = {}  # the next suffix to try for each wanted id

    def claim(self, wanted: str, file_name: str) -> str:
        """A book-unique id for ``wanted`` ('x', else 'x-2', 'x-3'...)."""
        wanted = valid_id(wanted)
        unique = wanted
        if unique in self.taken:
            # Every suffix below the one remembered is taken already: ids are never released.
            counter = self._next.get(wanted, 2)
            while f'{wanted}-{counter}' in self.taken:
                counter += 1
            unique = f'{wanted}-{counter}'
            self._next[wanted] = counter + 1
        self.taken.add(unique)
        self.by_file.setdefault(file_name, {}).setdefault(wanted, unique)
        return unique

    def claim_all(self, body: etree._Element, file_name: str,
                  notes: etree._Element | None) -> None:
        """Rename every id in the file's tree(s) to a book-unique one, fixing '#x' links."""
        renamed: dict[str, str] = {}
        trees = [body] if notes is None else [body, notes]
        for tree in trees:
            for element in tree.iter():
                old = element.get('id')
                if old is not None:
                    new = self.claim(old, file_name)
                    renamed.setdefault(old, new)
                    element.set('id', new)
        for tree in trees:
            for link in tree.iter(f'{{{XHTML_NS}}}a'):
                href = link.get('href', '')
                if href.startswith('#') and href[1:] in renamed:
                    link.set('href', '#' + renamed[href[1:]])
                    link.set('data-resolved', '1')

    def alias_headings(self, body: etree._Element, file_name: str, typed: Sequence[str]) -> None:
        """Let links written for other tools find the file's headings: each heading also
        answers to the id mdBook, GitHub and pandoc (Quarto) would give it, as each tool
        counts repeats ('x', 'x-1'...). An id the author wrote, or Python-Markdown gave,
        keeps its meaning: an alias never takes a name the file already uses.

        ``typed`` is each heading's text before the language's typography was applied
        (:func:`typed_headings`, in document order): the other tools slug what was typed."""
        names = self.by_file.setdefault(file_name, {})
        seen: dict[str, set[str]] = {}
        # The smallest count still free for each (style, slug): those below it are taken, and
        # stay taken, so 3,000 headings of the same text are not counted up from 0 each time.
        free_from: dict[tuple[str, str], int] = {}
        for heading, text in zip(body.iter(*_HEADINGS), typed, strict=True):
            target = heading.get('id')
            if not target:
                continue
            for style, slug in heading_slugs(text):
                taken = seen.setdefault(style, set())
                counter = free_from.get((style, slug), 0)
                alias = f'{slug}-{counter}' if counter else slug
                while alias in taken:
                    counter += 1
                    alias = f'{slug}-{counter}'
                free_from[style, slug] = counter + 1
                taken.add(alias)
                names.setdefault(alias, target)

    def lookup(self, file_name: str, wanted: str) -> str | None:
        """The id ``wanted`` (as written in a link: 'x', 'tbl:x') has in the book."""
        names = self.by_file.get(file_name, {})
        return names.get(wanted) or names.get(valid_id(wanted))

    def lookup_anywhere(self, wanted: str) -> str | None:
        """For '@fig-x', '@sec-x' and pandoc's '#x', which name an id in any file of the book."""
        return next((found for file_name in self.by_file
                     if (found := self.lookup(file_name, wanted)) is not None), None)


_HEADINGS = tuple(f'{{{XHTML_NS}}}h{level}' for level in range(1, 7))
# smarty's typography, undone: the other tools slug the characters the author typed. Its quotes
# are still markers here (config/typography.py): the language's marks come after the aliases.
_TYPED = str.maketrans({'\u2013': '--', '\u2014': '---', '\u2026': '...', '\u2018': "'", '\u2019': "'",
                        '\u201c': '"', '\u201d': '"', '\u00ab': '<<', '\u00bb': '>>',
                        LEFT_DOUBLE: '"', RIGHT_DOUBLE: '"', LEFT_SINGLE: "'", RIGHT_SINGLE: "'"})


def typed_headings(body: etree._Element) -> tuple[str, ...]:
    """The text of every heading under ``body``, in document order, for :meth:`IdRegistry.alias_headings`."""
    return tuple(_heading_text(heading) for heading in body.iter(*_HEADINGS))


def _heading_text(heading: etree._Element) -> str:
    """A heading's text without its footnote calls (no tool counts them in the id)."""
    parts = [heading.text or '']
    for child in heading:
        if 'footnote-ref' not in (child.get('class') or '') and child.find(
                './/*[@class="footnote-ref"]') is None:
            parts.append(text_content(child))
        parts.append(child.tail or '')
    return ''.join(parts).strip()


def heading_slugs(text: str) -> list[tuple[str, str]]:
    """(style, id) for the ids other tools give a heading with this text, typed or typeset.

    * mdBook (its ``normalize_id``): letters, digits, ``_`` and ``-`` kept (ASCII
      lower-cased), each space a hyphen, nothing collapsed;
    * GitHub: the same, every letter lower-cased;
    * pandoc and Quarto: letters, digits, ``_``, ``-`` and ``.`` kept, spaces to hyphens,
      lower-cased, everything before the first letter dropped, ``section`` when nothing is left.
    """
    found = []
    for variant in dict.fromkeys((text, text.translate(_TYPED))):
        mdbook = ''.join(c.lower() if c.isascii() else c for c in variant
                         if c.isalnum() or c in '_-' or c.isspace())
        mdbook = re.sub(r'\s', '-', mdbook)
        found.append(('mdbook', mdbook))
        found.append(('github', mdbook.lower()))
        pandoc = re.sub(r'\s+', '-', ''.join(c for c in variant if c.isalnum() or c in '_-.' or c.isspace())
                        .strip()).lower()
        start = next((i for i, c in enumerate(pandoc) if c.isalpha()), len(pandoc))
        pandoc = pandoc[start:] or 'section'
        found.append(('pandoc', pandoc))
    return [(style, slug) for style, slug in dict.fromkeys(found) if slug]


def valid_id(value: str) -> str:
    """An XML Name usable as an id (no leading digit, no spaces or colons)."""
    value = re.sub(r'[^A-Za-z0-9_.-]+', '-', value).strip('-') or 'id'
    return value if re.match(r'[A-Za-z_]', value) else f'id-{value}'
