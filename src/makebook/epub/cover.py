"""The book's cover: the author's image, or a typographic cover made from the metadata.

A cover image named by ``cover-image`` was checked when the metadata was read
(config/cover.py: a JPEG or PNG inside the manuscript folder, by content).
Without one, make-book draws a cover in the
book's own face: title, subtitle and authors on a plain field, rendered with
Pillow to a JPEG (readers and stores expect a raster cover; Kindle rejects
SVG covers). The drawing depends only on the metadata, so builds stay
byte-identical.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from makebook.config.cover import sniff
from makebook.model import Metadata
from makebook.safety import limits
from makebook.theme import balance, cjk, faces, fonts

if TYPE_CHECKING:  # Pillow is imported only when a cover is drawn
    from PIL import ImageDraw, ImageFont

# 1600 x 2560: the 1:1.6 shape and size Amazon and Apple recommend.
WIDTH, HEIGHT = 1600, 2560
# Calm dark fields; the title picks one, so a series does not all look alike.
_PALETTE = ((31, 42, 68), (64, 35, 40), (28, 56, 52), (52, 44, 30), (46, 38, 66), (38, 38, 42))
_INK = (244, 238, 224)
_ACCENT = (201, 164, 92)


@dataclass(frozen=True, slots=True)
class CoverImage:
    data: bytes
    media_type: str  # image/jpeg | image/png
    file_name: str  # 'images/cover.jpg'


def cover_image(meta: Metadata) -> CoverImage:
    """The author's cover if the metadata names one, else a generated one."""
    if meta.cover_path is not None:
        data = meta.cover_path.read_bytes()
        media_type, suffix = sniff(data[:8]) or ('image/jpeg', '.jpg')
        return CoverImage(data, media_type, f'images/cover{suffix}')
    return CoverImage(_drawn(meta), 'image/jpeg', 'images/cover.jpg')


# The typographic cover being drawn in a child process since the build read the metadata
# (draw_early): the process that started it (a process forked since, a worker, has no such
# child of its own), the metadata it was drawn for and the child.
_early: tuple[int, Metadata, limits.Beside] | None = None


def draw_early(meta: Metadata) -> None:
    """Start drawing the typographic cover of ``meta`` in a child process (the drawing and its
    JPEG take 0.04 s, Pillow's import included, on the EPUB's path otherwise): the next
    :func:`cover_image` of the same metadata takes it. Nothing for an author's own cover."""
    global _early
    _forget_early()
    if meta.cover_path is None:
        child = limits.beside(typographic_cover, meta)
        _early = (os.getpid(), meta, child) if child is not None else None


def _take_early() -> tuple[Metadata, limits.Beside] | None:
    """The drawing started early by this very process (forgotten, whoever takes it)."""
    global _early
    early, _early = _early, None
    if early is None or early[0] != os.getpid():
        return None
    return early[1], early[2]


def _forget_early() -> None:
    early = _take_early()
    if early is not None:
        early[1].stop()


def _drawn(meta: Metadata) -> bytes:
    """The typographic cover of ``meta``: the one drawn early, when it was drawn for the same
    metadata and came back; else drawn now (as always: its errors and warnings are this
    process's)."""
    early = _take_early()
    if early is not None:
        drawn_for, child = early
        try:
            data = child.result() if drawn_for == meta else None
        finally:
            child.stop()
        if isinstance(data, bytes):
            return data
    return typographic_cover(meta)


def typographic_cover(meta: Metadata) -> bytes:
    """A JPEG cover: a framed field with title, subtitle and authors set in the book face."""
    from PIL import Image, ImageDraw  # Pillow is needed only when a cover is drawn

    field = _PALETTE[hashlib.sha256(meta.title.encode()).digest()[0] % len(_PALETTE)]
    image = Image.new('RGB', (WIDTH, HEIGHT), field)
    draw = ImageDraw.Draw(image)
    margin = 110
    draw.rectangle((margin, margin, WIDTH - margin, HEIGHT - margin), outline=_ACCENT, width=6)
    draw.rectangle((margin + 24, margin + 24, WIDTH - margin - 24, HEIGHT - margin - 24),
                   outline=_ACCENT, width=2)
    text = meta.title + (meta.subtitle or '') + meta.author_line
    own = faces.author_faces(meta)
    regular, italic, bold = (_font_path(weight, style, text, meta.language, own)
                             for weight, style in ((400, 'normal'), (400, 'italic'), (600, 'normal')))
    direction = 'rtl' if meta.direction == 'rtl' else None
    y = _block(draw, meta.title, bold, size=150, top=560, direction=direction)
    draw.line((WIDTH / 2 - 160, y + 70, WIDTH / 2 + 160, y + 70), fill=_ACCENT, width=5)
    if meta.subtitle:
        _block(draw, meta.subtitle, italic, size=72, top=y + 170, direction=direction)
    authors = [a.name for a in meta.authors]
    _block(draw, '\n'.join(authors), regular, size=84, top=HEIGHT - 560 - 100 * (len(authors) - 1),
           direction=direction)
    out = io.BytesIO()
    image.save(out, 'JPEG', quality=90, optimize=True)  # no EXIF, no timestamps
    return out.getvalue()


def _block(draw: ImageDraw.ImageDraw, text: str, font_path: tuple[Path, int], *, size: int, top: float,
           direction: str | None) -> float:
    """Centred lines from ``top``, wrapped to the frame, smaller if more than 3 lines; returns the bottom."""
    from PIL import ImageFont

    room = WIDTH - 2 * 260  # inside the frame, with air on both sides
    while True:
        font = ImageFont.truetype(str(font_path[0]), size)
        if 'fvar' in _tables(font_path[0]):  # a variable face (Frank Ruhl Libre): set its weight
            axes = font.get_variation_axes()
            font.set_variation_by_axes([_axis_value(axis, font_path[1]) for axis in axes])
        def measure(line: str, font: ImageFont.FreeTypeFont = font) -> float:
            return draw.textlength(line, font=font, direction=direction)
        lines = [line for part in text.split('\n') for line in _wrap(part, measure, room)]
        if len(lines) <= 3 or size <= 48:
            break
        size = int(size * 0.88)
    y = top
    for line in lines:
        box = draw.textbbox((0, 0), line, font=font, direction=direction)
        x = (WIDTH - (box[2] - box[0])) / 2 - box[0]
        draw.text((x, y), line, font=font, fill=_INK, direction=direction)
        y += size * 1.25
    return y


def _wrap(text: str, measure: Callable[[str], float], room: float) -> list[str]:
    """The text in balanced lines (theme/balance.py: as few as first-fit sets, of about even
    length, never a word alone under a long line), or first-fit's where a word is wider than
    the room or a line would not fit as measured whole."""
    words = text.split()
    ends = balance.balanced([balance.word(word, measure(word)) for word in words], measure(' '), room)
    if ends is not None:
        lines = [' '.join(line) for line in balance.split(words, ends)]
        if all(measure(line) <= room for line in lines):
            return lines or ['']
    lines = []
    for word in words:
        if lines and measure(f'{lines[-1]} {word}') <= room:
            lines[-1] = f'{lines[-1]} {word}'
        else:
            lines.append(word)
    return lines or ['']


def _font_path(weight: int, style: str, text: str, language: str,
               own: tuple[faces.Face, ...] = ()) -> tuple[Path, int]:
    """(file, weight) of the first face (the book face, Hebrew, Arabic, the author's ``own``,
    then the fallbacks: faces.py) with all the text's letters, in this weight and style; else a
    system face for the language."""
    letters = [ord(c) for c in text if not c.isspace()]
    for face in _faces_in_order(own):
        files = face.files
        chosen = next((f.path for f in files if f.weight == weight and f.style == style),
                      next((f.path for f in files if f.weight == weight), files[0].path))
        if all(c in faces.cmap(chosen) for c in letters):
            return chosen, weight
    found = _cjk_font(letters, weight, language) or _system_font(language)
    return found or fonts.font_files()[0].path, weight


def _cjk_font(letters: list[int], weight: int, language: str) -> Path | None:
    """Noto Sans CJK made for the cover's letters (theme/cjk.py), when it has them all: a
    Chinese, Japanese or Korean title, with its Latin letters if it has some."""
    if cjk.collection() is None or not letters or not set(letters) <= cjk.collection_cmap():
        return None
    characters = {chr(c) for c in letters}
    return cjk.made_face(cjk.region([language], characters), 700 if weight >= 600 else 400, characters)


def _faces_in_order(own: tuple[faces.Face, ...]) -> Iterator[faces.Face]:
    yield faces.book_face()
    yield from faces.script_faces()
    yield from own
    yield from faces.fallback_faces()  # loaded only for a letter the faces above lack (rare)


def _axis_value(axis: Any, weight: int) -> float:
    """A variable face's axis set for ``weight``: its weight axis to it, any other (Noto Serif's
    width) to its default."""
    if axis.get('name') in (b'Weight', 'Weight'):
        return float(min(max(weight, axis.get('minimum') or weight), axis.get('maximum') or weight))
    return float(axis.get('default') or 0)


@functools.cache
def _tables(path: Path) -> frozenset[str]:
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.keys())


def _system_font(language: str) -> Path | None:
    """A font for ``language`` from fontconfig (Hebrew, Arabic... are not in the book face)."""
    if shutil.which('fc-match') is None:
        return None
    found = subprocess.run(['fc-match', '-f', '%{file}', f':lang={language.split("-")[0]}'],
                           capture_output=True, text=True, check=False).stdout.strip()
    return Path(found) if found and Path(found).is_file() else None
