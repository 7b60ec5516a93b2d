"""The author's own font files (``fonts:``), for the scripts make-book's faces lack.

make-book's faces cover Latin, Greek, Cyrillic, Hebrew and Arabic, and its
fallback faces many symbols, emoji and Indic and South-East Asian scripts, but
no Chinese, Japanese or Korean (each such font is tens of megabytes). A book
that needs one names the file::

    fonts: [fonts/NotoSerifCJKjp-Regular.otf]
    fonts:
      - {file: fonts/NotoSerifCJKjp-Regular.otf, licence: fonts/OFL.txt}
      - {file: fonts/NotoSerifCJKjp-Bold.otf, weight: 700}

Each is a TrueType or OpenType file inside the manuscript folder; it is set
after the book's faces (only for the characters they lack), embedded in every
edition (the EPUB and web edition carry a subset), and its licence travels
with it. The licence must be the SIL Open Font License: a ``licence:`` file
saying so, or the font's own licence field (most OFL fonts carry it).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from makebook import codes
from makebook.config.print_settings import Complain
from makebook.model import AuthorFont
from makebook.safety import resources

_SUFFIXES = ('.ttf', '.otf')
_OFL = ('open font license', 'scripts.sil.org/ofl', 'openfontlicense.org')
_MAX_BYTES = 64 * 1024 * 1024  # a CJK family's heaviest file is about 25 MB


def read_fonts(value: Any, folder: Path | None, complain: Complain) -> tuple[AuthorFont, ...]:
    """The ``fonts:`` value as checked font files (``folder`` holds the metadata file)."""
    if value is None or folder is None:
        return ()
    found = []
    for item in value if isinstance(value, list) else [value]:
        entry: Mapping[str, Any] = item if isinstance(item, Mapping) else {'file': item}
        font = _read_one(entry, folder, complain)
        if font is not None:
            found.append(font)
    return tuple(found)


def _read_one(entry: Mapping[str, Any], folder: Path, complain: Complain) -> AuthorFont | None:
    name = entry.get('file')
    if not isinstance(name, str) or not name.strip():
        complain('fonts', "each font is a file name, or {file: ..., licence: ...}", codes.BAD_FONT)
        return None
    confinement = resources.Confinement.of([folder])
    try:
        _, path = resources.resolve(name.strip(), '', confinement, 'font file')
    except resources.Refused as exc:
        complain('fonts', f"'{name}': {exc}", codes.BAD_FONT)
        return None
    if path.suffix.lower() not in _SUFFIXES or path.stat().st_size > _MAX_BYTES:
        complain('fonts', f"'{name}': a font is a .ttf or .otf file under 64 MB", codes.BAD_FONT)
        return None
    try:
        family, weight, style, own_licence = _describe(path)
    except Exception as exc:  # fontTools raises many kinds on a file that is not a font
        complain('fonts', f"'{name}': not a font file make-book can read ({type(exc).__name__})",
                 codes.BAD_FONT)
        return None
    licence = own_licence
    licence_name = entry.get('licence') or entry.get('license')
    if isinstance(licence_name, str):
        try:
            _, licence_path = resources.resolve(licence_name.strip(), '', confinement, 'licence file')
            licence = licence_path.read_text(encoding='utf-8', errors='replace')[:200_000]
        except resources.Refused as exc:
            complain('fonts', f"'{licence_name}': {exc}", codes.BAD_FONT)
            return None
    if not any(mark in licence.lower() for mark in _OFL):
        complain('fonts', f"'{name}': make-book embeds fonts in every edition, so it takes fonts under the "
                 "SIL Open Font License; name the font's OFL file with {file: ..., licence: OFL.txt}",
                 codes.BAD_FONT)
        return None
    weight = entry.get('weight', weight)
    style = entry.get('style', style)
    if not isinstance(weight, int) or style not in ('normal', 'italic'):
        complain('fonts', f"'{name}': weight is a number (400, 700) and style normal or italic",
                 codes.BAD_FONT)
        return None
    return AuthorFont(path, family, weight, style, licence)


def _describe(path: Path) -> tuple[str, int, str, str]:
    """(family, weight, style, licence text) from the font's own tables."""
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    with TTFont(str(path), lazy=True, fontNumber=0) as font:
        names = font['name']
        family = names.getDebugName(16) or names.getDebugName(1) or path.stem
        os2 = font.get('OS/2')
        weight = int(getattr(os2, 'usWeightClass', 400) or 400)
        subfamily = (names.getDebugName(2) or '').lower()
        italic = bool(os2 is not None and os2.fsSelection & 1) or 'italic' in subfamily
        licence = '\n\n'.join(filter(None, (names.getDebugName(0), names.getDebugName(13),
                                             names.getDebugName(14))))
    return family, weight, 'italic' if italic else 'normal', licence
