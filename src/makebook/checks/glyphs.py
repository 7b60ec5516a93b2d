"""Every character the book sets has a face: found before layout, with its file and line.

WeasyPrint would set a character no declared face has in whatever system font
has it (the PDF's font check catches that too, but only after a whole layout
and naming only the font), so it is found here, before anything is laid out:

* a character only a bundled fallback face has (theme/faces.py: a Greek kappa
  symbol in Noto Serif, an emoji in Noto Emoji) is set in that face in every
  edition, with a warning naming the character, its file and line (an error
  with --strict): the author may prefer another character or font;
* a character no face has, fallbacks and the author's fonts included, is an
  error for the PDF only: the EPUB and web edition are still made (readers set
  it in their own fonts).

Math is left out (the PDF draws formulas, readers set MathML in their own math
fonts); the text of SVG images is checked too, reported at the image's file and
line, since the PDF sets it in the book's faces (pdf/svgfonts.py).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import RenderedBook
from makebook.source.includes import expand_includes_mapped
from makebook.theme.faces import INVISIBLE, Face, book_characters, face_of, faces_for, svg_texts
from makebook.xhtml import text_content

_MATH = re.compile(r'<math\b.*?</math>', re.DOTALL)


def characters_in_fallback_faces(book: RenderedBook) -> list[Diagnostic]:
    """A warning for each character set in a bundled fallback face, with its file and line."""
    return [d for d in _survey(book) if d.code == codes.FALLBACK_GLYPH.id]


def every_character_has_a_face(book: RenderedBook) -> list[Diagnostic]:
    """An error for each character of the book that no face has, with its file and line."""
    return [d for d in _survey(book) if d.code == codes.MISSING_GLYPH.id]


@functools.lru_cache(maxsize=4)
def _survey(book: RenderedBook) -> tuple[Diagnostic, ...]:
    """What the book's characters need: for each place (the metadata, a chapter, an image), one
    diagnostic per fallback face its characters are set in, and one for those no face has."""
    faces = faces_for(book)
    if not _needs_a_look(book, faces):
        return ()
    seen: set[str] = set()
    # (face family or '', where) -> the characters, in order, and the place they are first found
    groups: dict[tuple[str, str], tuple[list[str], Face | None, Path | None, int | None]] = {}

    def note(chars: list[str], where: str, line_of: LineOf) -> None:
        for char in chars:
            if char in seen:
                continue
            seen.add(char)
            face = face_of(char, faces)
            if face is not None and face.script != 'fallback':
                continue  # a face of the book's own has it
            key = (face.family if face is not None else '', where)
            if key not in groups:
                groups[key] = ([], face, *line_of(char))
            groups[key][0].append(char)

    from dataclasses import replace
    for value in _strings(replace(book.metadata, stylesheets=(), fonts=())):
        note(_drawn(value), 'the metadata', lambda char: (None, None))
    for chapter in book.chapters:
        chars = [c for c in _drawn(text_content_of(chapter.body)) if c not in seen]
        if chars:
            source = book.root / chapter.source
            note(chars, f"chapter '{chapter.title}'", functools.partial(_place_of, source, book.root,
                                                                         title=chapter.title))
    for asset in book.assets:
        for text, line in svg_texts(asset):
            note(_drawn(text), f"the image '{asset.href}'", _always(asset.source, line))
    found = []
    for (_, where), (chars, face, path, line) in groups.items():
        if face is None:
            found.append(codes.MISSING_GLYPH(_missing(chars, faces, where), path, line))
        else:
            found.append(codes.FALLBACK_GLYPH(_fallback(chars, face, where), path, line))
    return tuple(found)


LineOf = Callable[[str], tuple[Path | None, int | None]]  # a character -> the file and line it is on


def _always(path: Path | None, line: int | None) -> LineOf:
    return lambda _: (path, line)


def _needs_a_look(book: RenderedBook, faces: tuple[Face, ...]) -> bool:
    """False in the usual case: every character of the book is in a face of its own."""
    own = [face for face in faces if face.script != 'fallback']
    return any(face_of(c, own) is None for c in book_characters(book) if not INVISIBLE.fullmatch(c))


def text_content_of(body: str) -> str:
    """A chapter's text as printed: markup and math left out."""
    from lxml import etree
    try:
        section = etree.fromstring(_MATH.sub(' ', body).encode())
    except etree.XMLSyntaxError:
        return ''  # reported by book.well_formed
    return text_content(section)


def _strings(value: object) -> list[str]:
    from makebook.model import strings_of
    return strings_of(value)


def _drawn(text: str) -> list[str]:
    """The characters of ``text`` a font must draw, in order of first appearance."""
    return list(dict.fromkeys(INVISIBLE.sub('', text)))


def _names(chars: list[str]) -> str:
    """"the character 'ϰ' (U+03F0 GREEK KAPPA SYMBOL)", or the first few of several."""
    named = [f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')})" for c in chars[:4]]
    more = f' and {len(chars) - 4} more' if len(chars) > 4 else ''
    return f"the character{'s' if len(chars) > 1 else ''} {', '.join(named)}{more}"


def _missing(chars: list[str], faces: tuple[Face, ...], where: str) -> str:
    verb = 'are' if len(chars) > 1 else 'is'
    return (f"{_names(chars)} in {where} {verb} in none of the book's fonts "
            f"({', '.join(f.family for f in faces)}) nor in make-book's fallback faces; the PDF "
            "cannot set them (the EPUB and web edition are made): replace them, or add a font that "
            "has them with 'fonts:' in the metadata")


def _fallback(chars: list[str], face: Face, where: str) -> str:
    verb = 'are' if len(chars) > 1 else 'is'
    return (f"{_names(chars)} in {where} {verb} not in the book's faces, and set in the fallback face "
            f'{face.family}')


def _place_of(path: Path, root: Path, char: str, title: str = '') -> tuple[Path | None, int | None]:
    """The file and line of ``char`` in a chapter from ``path``: the file's own line, or that of
    the mdBook include that brought it in (a listing's emoji in the Rust book)."""
    line = _line_of(path, char, title)
    if line is not None or not path.is_file():
        return path, line
    text = path.read_text(encoding='utf-8', errors='replace')
    if '{{#' not in text:
        return path, None
    expanded, origins = expand_includes_mapped(
        text, [(path, n) for n in range(1, text.count('\n') + 2)], root, [])
    offset = expanded.find(char)
    return (path, None) if offset < 0 else origins[expanded.count('\n', 0, offset)]


def _line_of(path: Path, char: str, title: str = '') -> int | None:
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
