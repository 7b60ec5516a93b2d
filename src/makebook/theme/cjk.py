"""The face for Chinese, Japanese and Korean: Noto Sans CJK, made static for each book.

``manimgx-fonts-cjk`` (OFL, Noto unmodified) ships Noto Sans CJK as one collection of
five *variable* faces in CFF2 outlines, one per region: JP, KR, SC, TC, HK. The regions
draw many shared characters differently (骨 and 直 in Japanese and Chinese, 說 in
Taiwan and Hong Kong), so the face is chosen by the book's language. A PDF cannot embed
CFF2 (nor WeasyPrint instantiate it), and a whole face is 65,535 glyphs, so each book
gets its own file: the face cut down to the characters it sets in it (subsetting first
keeps it fast: instancing runs over every glyph left), instanced at the regular weight,
converted to plain CFF and saved as an OTF. WeasyPrint embeds it as any face and the EPUB
and web edition carry it as it is. Bold is WeasyPrint's and the reader's (the CJK face
of a heading is emboldened), as for the fallback faces: a second weight doubles the cost.

Making the file costs seconds (about 6 CPU ms a character, benchmarks/cjk_face.py), so
it is kept in the user's cache folder (``$XDG_CACHE_HOME/make-book/faces``), named by
the digest of everything it is made from; only the newest few are kept. A folder that
cannot be written costs a remake at each build, never a failure.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterable, Set
from pathlib import Path
from typing import Any

# The Unicode blocks a CJK book's own characters are in: CJK punctuation and symbols, kana,
# Hangul, bopomofo, ideographs and their extensions, full-width forms. A book that is not in
# Chinese, Japanese or Korean sets only these in the CJK face (its Greek or arrows stay in the
# fallbacks, as before); a book in one of them sets every character the faces before lack.
BLOCKS = ((0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x2FF0, 0x303F), (0x3040, 0x31FF), (0x3200, 0x33FF),
          (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
          (0xFE10, 0xFE1F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3134F))
# One of them: a character set a full em wide (Latin letters average half of one).
WIDE = re.compile('[' + ''.join(f'\\U{low:08x}-\\U{high:08x}' for low, high in BLOCKS) + ']')
LANGUAGES = frozenset({'zh', 'ja', 'ko', 'cmn', 'yue', 'wuu', 'hak', 'nan', 'lzh', 'gan', 'hsn'})
# Each region's face: the family WeasyPrint and the stylesheets name, its PostScript stem.
FAMILIES = {region: f'Noto Sans CJK {region}' for region in ('JP', 'KR', 'SC', 'TC', 'HK')}
# Always in a made face: Pango looks no font up for a space (nor a soft hyphen), it keeps the
# face of the text before it, so '和 JavaScript' asks the CJK face for its space; without it
# WeasyPrint drew .notdef, a box in a bold heading ('.notdef glyph rendered for ... U+0020').
SPACES = ' \u00a0\u00ad\u2002\u2003\u3000'
_KEEP = 12  # made files kept in the cache folder (a few books, both weights of each)
# ... and every file used this recently, however many: a build beside this one (another book, a
# test run) may be about to hand its file to WeasyPrint.
_IN_USE_SECONDS = 2 * 24 * 3600


def region(tags: list[str], characters: Iterable[str] = ()) -> str:
    """The Noto Sans CJK region for the first Chinese, Japanese or Korean of the language
    ``tags`` (BCP 47): Japanese JP, Korean KR, Chinese SC but TC in Traditional script or in
    Taiwan, HK in Hong Kong and Macao (and Cantonese). When none is (a Chinese book that gives
    no 'lang', an English one quoting a few words), the ``characters`` tell: kana are
    Japanese's, Hangul Korean's, ideographs alone Chinese's; JP when they do not either."""
    for tag in tags:
        parts = tag.lower().replace('_', '-').split('-')
        if parts[0] == 'ja':
            return 'JP'
        if parts[0] == 'ko':
            return 'KR'
        if parts[0] in LANGUAGES:
            subtags = set(parts[1:])
            if subtags & {'hk', 'mo'} or (parts[0] == 'yue' and 'hans' not in subtags):
                return 'HK'
            if subtags & {'hant', 'tw'}:
                return 'TC'
            return 'SC'
    return _region_of(characters)


def _region_of(characters: Iterable[str]) -> str:
    kana = hangul = han = False
    for char in characters:
        code = ord(char)
        kana = kana or 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9D
        hangul = hangul or 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F
        han = han or 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF
    if kana:
        return 'JP'
    if hangul:
        return 'KR'
    return 'SC' if han else 'JP'


def in_blocks(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in BLOCKS)


@functools.cache
def collection() -> Path | None:
    """The installed collection file, or None when the package is not installed."""
    try:
        import manimgx_fonts_cjk
    except ImportError:
        return None
    found = sorted(Path(manimgx_fonts_cjk.__file__).parent.glob('*.tt[cf]'))
    return found[0] if found else None


@functools.cache
def collection_cmap() -> frozenset[int]:
    """The code points the collection has (all five regions have the same)."""
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    path = collection()
    if path is None:
        return frozenset()
    with TTFont(str(path), lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap())


def made_face(region_name: str, weight: int, characters: Set[str]) -> Path:
    """The OTF of the region's face at ``weight`` holding ``characters``: from the cache
    folder, or made and kept there (a temporary file when it cannot be)."""
    path = collection()
    assert path is not None, 'made_face needs manimgx-fonts-cjk'
    codes = sorted({ord(c) for c in characters} | {ord(c) for c in SPACES if ord(c) in collection_cmap()})
    key = hashlib.sha256(f'{path.stat().st_size} {region_name} {weight} {codes}'.encode()).hexdigest()[:24]
    name = f'NotoSansCJK{region_name.lower()}-{weight}-{key}.otf'
    for folder in _folders():
        found = folder / name
        if found.is_file():
            with contextlib.suppress(OSError):
                os.utime(found)  # recently used: kept by the sweep
            return found
    data = make(path, region_name, weight, codes)
    for folder in _folders():
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            _write(folder / name, data)
            _sweep(folder)
            return folder / name
    raise OSError('no folder to keep a made CJK face in')  # pragma: no cover: the temp folder


def _folders() -> list[Path]:
    """Where made faces are kept: MAKEBOOK_FACES if set (the tests' own folder), else the user's
    cache folder, else the system's temporary one."""
    if os.environ.get('MAKEBOOK_FACES'):
        return [Path(os.environ['MAKEBOOK_FACES'])]
    base = os.environ.get('XDG_CACHE_HOME') or str(Path.home() / '.cache')
    return [Path(base) / 'make-book' / 'faces', Path(tempfile.gettempdir()) / 'make-book-faces']


def _write(target: Path, data: bytes) -> None:
    """Write to a temporary name and rename: a build beside this one never reads half a font."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix='.part')
    try:
        with os.fdopen(handle, 'wb') as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _sweep(folder: Path) -> None:
    """Keep the newest made faces only: each book (and each edit adding a character) makes one.
    A file used in the last two days stays: another build may be using it."""
    import time

    made = sorted(((p.stat().st_mtime, p) for p in folder.glob('NotoSansCJK*.otf')), reverse=True)
    for used, old in made[_KEEP:]:
        if used < time.time() - _IN_USE_SECONDS:
            with contextlib.suppress(OSError):
                old.unlink()


def make(path: Path, region_name: str, weight: int, codes: list[int]) -> bytes:
    """The region's face cut down to ``codes``, instanced at ``weight``, in CFF outlines."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    index = _index(path, region_name)
    # recalcBBoxes=False: the bounding boxes are recomputed from every outline at each save, a
    # third of the time; the whole face's boxes hold its subset's. recalcTimestamp=False: the
    # same book gives the same bytes.
    font = TTFont(str(path), fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options()
    options.name_IDs = ['*']  # the copyright and the licence
    options.notdef_outline = True
    # Only the characters' own glyphs: the features' closure (vertical forms, other regions'
    # shapes, expert forms) would double them, and instancing costs a glyph at a time.
    options.layout_closure = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    with font:  # the collection's file is read lazily until the subset is saved
        subsetter.subset(font)
        font = _reloaded(font)
    axes = {axis.axisTag: axis for axis in font['fvar'].axes}
    font = instancer.instantiateVariableFont(font, {tag: float(min(max(weight, axis.minValue), axis.maxValue))
                                                    if tag == 'wght' else axis.defaultValue
                                                    for tag, axis in axes.items()})
    font = _as_cff(font)
    _name(font, region_name, weight)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _index(path: Path, region_name: str) -> int:
    """The collection's face for the region, found by its name, not by its place."""
    from fontTools.ttLib import TTCollection

    with TTCollection(str(path), lazy=True) as collection_file:
        names = [str(font['name'].getDebugName(1) or '') for font in collection_file.fonts]
    wanted = FAMILIES[region_name]
    return next((i for i, name in enumerate(names) if name == wanted), 0)


def _reloaded(font: Any) -> Any:
    from fontTools.ttLib import TTFont

    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return TTFont(buffer, recalcBBoxes=False, recalcTimestamp=False)


def _as_cff(font: Any) -> Any:
    """A static CFF2 font as CFF, which PDF embeds (fontTools' own downgrade, but loading the
    charstrings before the table becomes CFF: its lazy read of them fails after)."""
    from fontTools.cffLib.CFF2ToCFF import convertCFF2ToCFF

    font = _reloaded(font)
    top = font['CFF2'].cff.topDictIndex[0]
    for name in ('CharStrings', 'FDSelect'):  # read now, while the table is still CFF2
        getattr(top, name, None)
    convertCFF2ToCFF(font)
    return _reloaded(font)


def _name(font: Any, region_name: str, weight: int) -> None:
    """Name the instance for its weight (the variable face's default instance is 'Thin')."""
    style = 'Bold' if weight >= 700 else 'Regular'
    family = FAMILIES[region_name]
    postscript = re.sub(r'[^A-Za-z0-9]', '', family.replace(region_name, region_name.lower())) + f'-{style}'
    names = font['name']
    for record_id, value in ((1, family), (2, style), (4, f'{family} {style}'), (6, postscript),
                             (16, family), (17, style)):
        names.setName(value, record_id, 3, 1, 0x409)
    names.names = [n for n in names.names if not (n.nameID in (1, 2, 4, 6, 16, 17) and n.langID != 0x409)]
    font['OS/2'].usWeightClass = weight
    if 'STAT' in font:
        del font['STAT']  # it describes the axes the instance no longer has
