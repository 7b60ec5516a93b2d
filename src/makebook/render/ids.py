"""Ids unique in the whole book, remembering what each file called them.

The PDF and the web edition are one document, so every ``id`` must be unique
across the book; a link written in the source (``other.md#x``, ``#x``) still
finds its target through the names each file gave.
"""

from __future__ import annotations

import re

from lxml import etree

from makebook.model import XHTML_NS


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

    def lookup(self, file_name: str, wanted: str) -> str | None:
        return self.by_file.get(file_name, {}).get(wanted)

    def lookup_anywhere(self, wanted: str) -> str | None:
        """For '@fig-x', '@sec-x' and pandoc's '#x', which name an id in any file of the book."""
        return next((names[wanted] for names in self.by_file.values() if wanted in names), None)


def valid_id(value: str) -> str:
    """An XML Name usable as an id (no leading digit, no spaces or colons)."""
    value = re.sub(r'[^A-Za-z0-9_.-]+', '-', value).strip('-') or 'id'
    return value if re.match(r'[A-Za-z_]', value) else f'id-{value}'
