"""A book face per script: Source Serif Pro for Latin, Greek and Cyrillic; OFL faces for the others.

Source Serif Pro has no Hebrew and no Arabic, and WeasyPrint silently sets
such letters in whatever system font has them (the PDF font check then
refuses the book). So a book whose text or ``lang`` uses another script gets
that script's face too, from a font package that ships its licence:

* Hebrew: Frank Ruhl Libre (``fontpkg-frank-ruhl-libre``, a variable font:
  WeasyPrint 70 instantiates it at the weight it sets; readers handle it).
* Arabic: Amiri (``fontpkg-amiri``, static regular, italic, bold, bold italic).

The faces are declared as ``@font-face`` fallbacks behind Source Serif Pro
(the stylesheets name them in their ``font-family`` lists), so Latin stays in
the book face and each other letter goes to the first face that has it. Only
the faces a book uses are declared and embedded, each with its licence.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

from lxml import etree

from makebook import theme
from makebook.errors import Diagnostic, error
from makebook.render import RenderedBook
from makebook.theme import FontFile

# Script blocks a face is there for (the fallback faces also carry Latin, unused).
_HEBREW = ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))
_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
# Primary language subtags written in each script.
_HEBREW_LANGUAGES = frozenset({'he', 'iw', 'yi', 'lad', 'jrb'})
_ARABIC_LANGUAGES = frozenset({'ar', 'fa', 'ur', 'ps', 'sd', 'ug', 'ckb', 'ks'})
# Characters no font has to draw: layout controls, bidi marks, joiners, variation selectors.
_INVISIBLE = re.compile('[\\s\u00ad\u034f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069'
                        '\ufe00-\ufe0f\ufeff]')


@dataclass(frozen=True, slots=True)
class Face:
    family: str
    script: str  # 'latin' (also Greek and Cyrillic) | 'hebrew' | 'arabic'
    files: tuple[FontFile, ...]
    licence: Path
    blocks: tuple[tuple[int, int], ...] = ()  # the script's code points (empty: the book face)
    languages: frozenset[str] = frozenset()

    def file_name(self, font: FontFile) -> str:
        """The font's name in the EPUB and web edition ('[wght]' is no name for a file in a zip)."""
        return re.sub(r'[^A-Za-z0-9._-]+', '-', font.path.name).replace('-.', '.')

    def wanted_by(self, text: str, languages: set[str]) -> bool:
        return bool(languages & self.languages) or any(
            low <= ord(c) <= high for c in text for low, high in self.blocks)


@functools.cache
def book_face() -> Face:
    return Face(theme.FONT_FAMILY, 'latin', theme.font_files(), theme.font_licence())


@functools.cache
def script_faces() -> tuple[Face, ...]:
    """The faces for scripts the book face lacks, in the order of the stylesheets' lists."""
    import fontpkg_amiri
    import fontpkg_frank_ruhl_libre

    return (_packaged(fontpkg_frank_ruhl_libre, 'hebrew', _HEBREW, _HEBREW_LANGUAGES),
            _packaged(fontpkg_amiri, 'arabic', _ARABIC, _ARABIC_LANGUAGES))


def _packaged(package, script: str, blocks, languages) -> Face:
    """A face from a fontpkg package: its files (from metadata.json) and its LICENSE."""
    root = Path(package.ROOT)
    described = json.loads((root / 'metadata.json').read_text(encoding='utf-8'))
    files: list[FontFile] = []
    for entry in described['files']:
        path = root / entry['path']
        if entry.get('variable'):
            # One file for every weight the stylesheets ask for; WeasyPrint sets the wght axis.
            files += [FontFile(path, weight, entry['style']) for weight in (400, 600, 700)]
        else:
            files.append(FontFile(path, int(entry['weight']), entry['style']))
    return Face(package.FAMILY, script, tuple(files), root / 'LICENSE', blocks, languages)


def faces_for(book: RenderedBook) -> tuple[Face, ...]:
    """The book face, then each script face the book's text or languages call for."""
    text = book_text(book)
    languages = {lang.split('-')[0].lower()
                 for lang in [book.metadata.language, *re.findall(r'\blang="([^"]+)"', text)]}
    return (book_face(), *(face for face in script_faces() if face.wanted_by(text, languages)))


def book_text(book: RenderedBook) -> str:
    """Everything the book prints: its metadata strings and its chapters' markup."""
    return '\n'.join([*_strings(book.metadata), *(chapter.body for chapter in book.chapters)])


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from _strings(getattr(value, item.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def font_face_css(faces: Iterable[Face], url_for: Callable[[Face, FontFile], str]) -> str:
    """@font-face rules for ``faces``, each ``src`` from ``url_for``."""
    return ''.join(
        '@font-face {\n'
        f"  font-family: '{face.family}';\n"
        f'  font-weight: {font.weight};\n'
        f'  font-style: {font.style};\n'
        f"  src: url('{url_for(face, font)}') format('truetype');\n"
        '}\n'
        for face in faces for font in face.files)


def print_css(book: RenderedBook, faces: tuple[Face, ...]) -> str:
    """Print rules for right-to-left books and scripts without case or hyphenation dictionaries.

    WeasyPrint lays pages out right to left when the root's ``direction`` is
    rtl: the first page is then a left page, ``recto`` breaks go to left pages,
    and the ``:left``/``:right`` margins (gutter on the spine side) stay
    right, so the binding is on the right. The running heads follow: the book
    title on the verso, now the right-hand page.
    """
    rules = []
    if book.metadata.direction == 'rtl':
        rules.append(
            'html { direction: rtl; }\n'
            '@page :right { @top-center { content: string(book-title); } }\n'
            '@page :left { @top-center { content: string(chapter-title); } }\n'
            'h2, pre, .line-block, .copyright p, nav.toc a { text-align: right; }\n'
            '.epigraph-source { text-align: left; }\n')
    scripts = {face.script for face in faces}
    selectors = [f':lang({lang})' for face in script_faces() if face.script in scripts
                 for lang in sorted(face.languages)]
    if selectors:
        # pyphen has no Hebrew or Arabic dictionary; letter-spacing breaks Arabic joining.
        group = ', '.join(selectors)
        rules.append(f'{group} {{ hyphens: manual; }}\n'
                     + ', '.join(f'{s}, {s} *, {s} p::first-line' for s in selectors)
                     + ' { letter-spacing: 0; }\n')
    return ''.join(rules)


def uncovered(book: RenderedBook, faces: tuple[Face, ...]) -> list[Diagnostic]:
    """An error for each character of the book that no declared face has, with its file and line.

    WeasyPrint would set such a character in a system font (the PDF font check
    catches that too, but can name only the font, not the character).
    """
    cmap = frozenset().union(*(_cmap(font.path) for face in faces for font in face.files))
    found: dict[str, Diagnostic] = {}
    for value in _strings(book.metadata):
        for char in _missing(value, cmap):
            found.setdefault(char, error(_message(char, faces, 'the metadata')))
    for chapter in book.chapters:
        text = ''.join(etree.fromstring(chapter.body.encode()).itertext())
        for char in _missing(text, cmap):
            if char not in found:
                path = book.root / chapter.source
                found[char] = error(_message(char, faces, f"chapter '{chapter.title}'"), path,
                                    _line_of(path, char, chapter.title))
    return list(found.values())


def _missing(text: str, cmap: frozenset[int]) -> list[str]:
    return sorted({c for c in _INVISIBLE.sub('', text) if ord(c) not in cmap}, key=text.index)


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
    for number in (*range(start, len(lines)), *range(start)):
        if char in lines[number]:
            return number + 1
    return None


@functools.cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())
