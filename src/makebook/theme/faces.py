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
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from makebook.model import RenderedBook
from makebook.theme import fonts
from makebook.theme.fonts import FontFile

# Script blocks a face is there for (the fallback faces also carry Latin, unused).
_HEBREW = ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))
_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
# Primary language subtags written in each script.
_HEBREW_LANGUAGES = frozenset({'he', 'iw', 'yi', 'lad', 'jrb'})
_ARABIC_LANGUAGES = frozenset({'ar', 'fa', 'ur', 'ps', 'sd', 'ug', 'ckb', 'ks'})
# Characters no font has to draw: layout controls, bidi marks, joiners, variation selectors.
INVISIBLE = re.compile('[\\s\u00ad\u034f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069'
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

    def wanted_by(self, characters: Iterable[str], languages: Set[str]) -> bool:
        """True when the book is written in one of the face's languages or uses its script."""
        return bool(languages & self.languages) or any(
            low <= ord(c) <= high for c in characters for low, high in self.blocks)


@functools.cache
def book_face() -> Face:
    return Face(fonts.FONT_FAMILY, 'latin', fonts.font_files(), fonts.font_licence())


@functools.cache
def script_faces() -> tuple[Face, ...]:
    """The faces for scripts the book face lacks, in the order of the stylesheets' lists."""
    import fontpkg_amiri
    import fontpkg_frank_ruhl_libre

    return (_packaged(fontpkg_frank_ruhl_libre, 'hebrew', _HEBREW, _HEBREW_LANGUAGES),
            _packaged(fontpkg_amiri, 'arabic', _ARABIC, _ARABIC_LANGUAGES))


def _packaged(package: ModuleType, script: str, blocks: tuple[tuple[int, int], ...],
              languages: frozenset[str]) -> Face:
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
    """The book face, then each script face the book's text or languages call for.

    Read from the book's distinct characters and languages, which the book
    computes once: every writer asks, and a 200,000-word book is read only once.
    """
    return (book_face(), *(face for face in script_faces()
                           if face.wanted_by(book.characters, book.languages)))


def fit_spaces(used: tuple[Face, ...]) -> Callable[[str], str]:
    """What the EPUB and the web edition do to their text so the book face draws every space.

    French sets a narrow no-break space (U+202F) before ``? ! ;`` (config/typography.py).
    The PDF draws one whatever the face (HarfBuzz makes it from the space); a
    reading system whose fonts lack it may draw a box, so where the book face has
    none the reader gets a no-break space (U+00A0) instead.
    """
    if all(0x202F in cmap(font.path) for font in used[0].files):
        return lambda text: text
    return lambda text: text.replace('\u202f', '\u00a0')


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


@functools.cache
def cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())
