"""Every character the print edition sets must be in one of the book's faces.

WeasyPrint would set a character no declared face has in whatever system font
has it (the PDF's font check catches that too, but only after a whole layout
and naming only the font), so it is found here, before anything is laid out,
with its file and line.
"""

from __future__ import annotations

import itertools
import unicodedata
from pathlib import Path

from lxml import etree

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import RenderedBook, strings_of
from makebook.theme.faces import INVISIBLE, Face, cmap, faces_for
from makebook.xhtml import text_content


def every_character_has_a_face(book: RenderedBook) -> list[Diagnostic]:
    """An error for each character of the book that no face it uses has, with its file and line."""
    faces = faces_for(book)
    covered = frozenset().union(*(cmap(font.path) for face in faces for font in face.files))
    if not _missing(''.join(book.characters), covered):
        return []  # the usual case, from the book's distinct characters alone
    found: dict[str, Diagnostic] = {}
    for value in strings_of(book.metadata):
        for char in _missing(value, covered):
            found.setdefault(char, codes.MISSING_GLYPH(_message(char, faces, 'the metadata')))
    for chapter in book.chapters:
        try:
            text = text_content(etree.fromstring(chapter.body.encode()))
        except etree.XMLSyntaxError:
            continue  # reported by book.well_formed
        for char in _missing(text, covered):
            if char not in found:
                path = book.root / chapter.source
                found[char] = codes.MISSING_GLYPH(_message(char, faces, f"chapter '{chapter.title}'"),
                                                  path, _line_of(path, char, chapter.title))
    return list(found.values())


def _missing(text: str, covered: frozenset[int]) -> list[str]:
    return sorted({c for c in INVISIBLE.sub('', text) if ord(c) not in covered}, key=text.index)


def _message(char: str, faces: tuple[Face, ...], where: str) -> str:
    name = unicodedata.name(char, 'unnamed character')
    return (f"the character '{char}' (U+{ord(char):04X} {name}) in {where} is in none of the "
            f"book's fonts ({', '.join(f.family for f in faces)}); the PDF would set it in a "
            'system font')


def _line_of(path: Path, char: str, title: str) -> int | None:
    """The first line holding ``char`` at or after the chapter's heading (files may hold several)."""
    try:
        lines = path.read_text(encoding='utf-8').splitlines()
    except (OSError, UnicodeError):
        return None
    start = next((n for n, line in enumerate(lines) if title and title in line), 0)
    for number in itertools.chain(range(start, len(lines)), range(start)):
        if char in lines[number]:
            return number + 1
    return None
