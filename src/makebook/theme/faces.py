"""The book's faces: Source Serif Pro, a face per script it lacks, the author's own, and fallbacks.

Source Serif Pro has no Hebrew and no Arabic, and WeasyPrint silently sets
such letters in whatever system font has them (the PDF font check then
refuses the book). So a book whose text or ``lang`` uses another script gets
that script's face too, from a font package that ships its licence:

* Hebrew: Frank Ruhl Libre (``fontpkg-frank-ruhl-libre``, a variable font:
  WeasyPrint 70 instantiates it at the weight it sets; readers handle it).
* Arabic: Amiri (``fontpkg-amiri``, static regular, italic, bold, bold italic).

After them come the author's own font files (``fonts:``, config/fonts.py), then
the bundled fallback faces, for the rare character none of those has (a Greek
kappa symbol in an epigraph, an arrow, an emoji, a word of Hindi), all under
the SIL Open Font License:

* Noto Serif (``fontpkg-noto-serif``): Latin, Greek and Cyrillic in full, IPA;
* STIX Two Math (shipped with ziamath, which draws the PDF's math): symbols,
  arrows, box drawing, mathematical letters;
* Noto Sans Symbols, Noto Emoji (monochrome, as print wants it) and Noto Sans
  for Armenian, Bengali, Devanagari, Ethiopic, Georgian, Gujarati, Gurmukhi,
  Kannada, Khmer, Lao, Malayalam, Myanmar, Oriya, Sinhala, Tamil, Telugu and
  Thai (``manimgx-fonts``, Noto unmodified);
* last, DejaVu Sans (shipped with ziafont, which ziamath draws with): the
  Dingbats the faces above lack (``➜ ✗ ✘ ❯ ➤ ✦ ❖``), and 5,900 characters more.
  Its licence is not the OFL but Bitstream Vera's (DejaVu's changes are in the
  public domain): free to embed and redistribute, modified copies renamed. It
  has no "Bitstream" or "Vera" in its name, so a subset may keep it; the
  licence travels with it as the font's own name table gives it.

Each character goes to the first face that has it: Latin stays in the book
face. Only the faces a book uses are declared and embedded, each with its
licence; a fallback face is only used for the characters the faces before it
lack, and the EPUB and web edition carry only those characters of it (a
subset, made static). Using a fallback is a warning naming the character
(checks/glyphs.py): the author may prefer another character or font.

The stylesheets name the book face and the script faces in their
``font-family`` lists (:data:`STYLESHEET_FAMILIES`); :func:`with_families`
puts the author's and fallback faces a book uses into those lists.

Code (``<code>``, ``<pre>``, ``<kbd>``, ``<samp>``) is set in a monospace,
Source Code Pro (``fontpkg-source-code-pro``, a variable font, OFL), the book
face's sibling: columns and indentation line up, ``' '`` reads as two quotes
round a space, and identifiers get no ligatures. Only books with code embed it;
it comes last, after the fallbacks (text outside code never asks it for a glyph).
"""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

from makebook.model import Asset, Metadata, RenderedBook, lang_values
from makebook.theme import cjk, fonts
from makebook.theme.fonts import FontFile

# The licence of every face but DejaVu Sans, as the licence itself names it.
OFL = 'SIL Open Font License 1.1'
# DejaVu Sans's: the licence text is headed "Bitstream Vera Fonts Copyright".
BITSTREAM_VERA = 'Bitstream Vera Fonts License'

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
    # 'latin' (also Greek and Cyrillic) | 'hebrew' | 'arabic' | 'author' | 'cjk' | 'fallback' | 'code'
    script: str
    files: tuple[FontFile, ...]
    licence: Path | None  # the licence file; None: ``licence_note`` is the licence
    blocks: tuple[tuple[int, int], ...] = ()  # the script's code points (empty: the book face)
    languages: frozenset[str] = frozenset()
    licence_note: str = ''  # the licence as the font states it, for a face with no licence file
    licence_name: str = OFL  # the licence's name, as the copyright page credits it

    @property
    def added(self) -> bool:
        """An author's face or a fallback: used only for the characters the faces before it
        lack, and carried by the EPUB and web edition as a subset."""
        return self.script in ('author', 'fallback')

    def licence_text(self) -> str:
        return self.licence.read_text(encoding='utf-8') if self.licence is not None else self.licence_note

    def licence_bytes(self) -> bytes:
        """The licence as its file has it (a copy travels beside the font)."""
        return self.licence.read_bytes() if self.licence is not None else self.licence_note.encode()

    def covers(self, char: str) -> bool:
        return ord(char) in coverage(self)

    def file_name(self, font: FontFile) -> str:
        """The font's name in the EPUB and web edition ('[wght]' is no name for a file in a zip;
        an added face's file is cut down per weight and style, so they name it)."""
        name = re.sub(r'[^A-Za-z0-9._-]+', '-', font.path.name).replace('-.', '.')
        if self.added:
            stem, dot, suffix = name.rpartition('.')
            style = '-italic' if font.style == 'italic' else ''
            name = f"{stem.rstrip('-')}-{font.weight}{style}{dot}{suffix}"
        return name

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


@functools.cache
def fallback_faces() -> tuple[Face, ...]:
    """The bundled fallback faces, in the order characters are looked for in them."""
    import fontpkg_noto_serif
    import manimgx_fonts
    import ziamath

    noto = _packaged(fontpkg_noto_serif, 'fallback', (), frozenset())
    # A fallback sets a word here and there: regular and italic are enough (readers and
    # WeasyPrint embolden them), and every file more costs a subset in each EPUB.
    noto = replace(noto, files=tuple(f for f in noto.files if f.weight == 400))
    faces = [noto]
    stix = Path(ziamath.__file__).parent / 'fonts' / 'STIXTwoMath-Regular.ttf'
    if stix.is_file():
        faces.append(_single(stix, _ofl_note(stix)))
    folder = Path(manimgx_fonts.__file__).parent
    licence = _distribution_licence('manimgx-fonts')
    names = ['NotoSansSymbols', 'NotoEmoji', *sorted(
        p.name.split('[')[0] for p in folder.glob('NotoSans*.ttf')
        if not p.name.startswith(('NotoSans[', 'NotoSans-', 'NotoSansSymbols', 'NotoSansHebrew',
                                  'NotoSansArabic')))]
    for name in names:
        path = next(folder.glob(f'{name}[[]*.ttf'), None)
        if path is not None:
            faces.append(_single(path, '', licence))
    dejavu = _dejavu_sans()
    if dejavu is not None:
        faces.append(dejavu)
    return tuple(faces)


def _dejavu_sans() -> Face | None:
    """DejaVu Sans, the widest of the fallbacks and the last: ziafont ships it (as the face it
    draws text in), and its name table carries its whole licence."""
    import ziafont

    path = Path(ziafont.__file__).parent / 'fonts' / 'DejaVuSans.ttf'
    if not path.is_file():
        return None
    return replace(_single(path, _own_licence(path)), licence_name=BITSTREAM_VERA)


def _single(path: Path, note: str, licence: Path | None = None) -> Face:
    """A fallback face of one file, set at its regular weight."""
    return Face(_family_name(path), 'fallback', (FontFile(path, 400, 'normal'),), licence, licence_note=note)


def _distribution_licence(name: str) -> Path | None:
    from importlib import metadata

    try:
        files = metadata.files(name) or []
    except metadata.PackageNotFoundError:
        return None
    found = next((f for f in files if 'LICENSE' in f.name.upper()), None)
    return Path(str(found.locate())) if found is not None else None


def _own_licence(path: Path) -> str:
    """A face's licence from its own tables: copyright, licence, the licence's URL."""
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    with TTFont(str(path), lazy=True) as font:
        names = font['name']
        return '\n\n'.join(filter(None, (names.getDebugName(0), names.getDebugName(13),
                                          names.getDebugName(14))))


def _ofl_note(path: Path) -> str:
    """A face's licence from its own tables and the OFL's text, which is the same for every
    OFL font (the book face's copy of it is used)."""
    own = _own_licence(path)
    ofl = fonts.font_licence().read_text(encoding='utf-8')
    body = ofl[ofl.index('-----'):] if '-----' in ofl else ofl
    return f'{own}\n\n{body}'


@functools.cache
def _family_name(path: Path) -> str:
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    with TTFont(str(path), lazy=True) as font:
        return str(font['name'].getDebugName(16) or font['name'].getDebugName(1) or path.stem)


def licence_names(used: Iterable[Face]) -> list[str]:
    """The licences ``used`` faces are under, each named once, the OFL first."""
    return list(dict.fromkeys(face.licence_name for face in used))


def author_faces(metadata: Metadata) -> tuple[Face, ...]:
    """The author's own font files ('fonts:'), a face per family, in the order given."""
    families: dict[str, list[FontFile]] = {}
    licences: dict[str, str] = {}
    for font in metadata.fonts:
        families.setdefault(font.family, []).append(FontFile(font.path, font.weight, font.style))
        licences.setdefault(font.family, font.licence)
    return tuple(Face(family, 'author', tuple(files), None, licence_note=licences[family])
                 for family, files in families.items())


def faces_for(book: RenderedBook) -> tuple[Face, ...]:
    """The book face, each script face the book's text or languages call for, the author's
    faces, then each fallback face that has a character of the book none before it has, then
    the code face if the book has code.

    Read from the book's distinct characters and languages, which the book
    computes once: every writer asks, and a 200,000-word book is read only once.
    """
    return _faces_for(book)


@functools.lru_cache(maxsize=4)
def _faces_for(book: RenderedBook) -> tuple[Face, ...]:
    chosen = [book_face(), *(face for face in script_faces()
                             if face.wanted_by(book.characters, book.languages)),
              *author_faces(book.metadata)]
    wanted = needed_characters(book_characters(book), chosen)
    cjk_face = _cjk_face(book, wanted)
    if cjk_face is not None:
        chosen.append(cjk_face)
        wanted -= {chr(code) for code in coverage(cjk_face)}
    for face in fallback_faces() if wanted else ():
        mine = {c for c in wanted if face.covers(c)}
        if mine:
            chosen.append(face)
            wanted -= mine
    code = (code_face(),) if has_code(book) else ()
    return (*chosen, *code)


def _cjk_face(book: RenderedBook, wanted: Set[str]) -> Face | None:
    """Noto Sans CJK in the book's region (theme/cjk.py), holding the ``wanted`` characters
    (those the faces before it lack) it has: those of the CJK blocks, and in a Chinese,
    Japanese or Korean book every one (its arrows and circled numbers match its text)."""
    if not wanted or cjk.collection() is None:
        return None
    own_language = bool(book.languages & cjk.LANGUAGES)
    has = cjk.collection_cmap()
    mine = frozenset(c for c in wanted if ord(c) in has and (own_language or cjk.in_blocks(c)))
    if not any(cjk.in_blocks(c) for c in mine):
        return None  # no CJK text: a stray character it has is the fallbacks' to set
    tags = [book.metadata.language, *lang_values(book.text)]
    region = cjk.region([tag for tag in tags if tag.split('-')[0].lower() in cjk.LANGUAGES], mine)
    made = cjk.made_face(region, 400, mine)
    return Face(cjk.FAMILIES[region], 'cjk', (FontFile(made, 400, 'normal'),),
                _distribution_licence('manimgx-fonts-cjk'), cjk.BLOCKS, cjk.LANGUAGES)


@functools.cache
def code_face() -> Face:
    """The monospace for code: Source Code Pro (regular and italic, every weight)."""
    import fontpkg_source_code_pro

    return _packaged(fontpkg_source_code_pro, 'code', (), frozenset())


# Elements set in the code face (the stylesheets' font-family lists say so).
_CODE = re.compile(r'<(?:code|pre|kbd|samp)[\s>]')


def has_code(book: RenderedBook) -> bool:
    return any(_CODE.search(chapter.body) for chapter in book.chapters)


def book_characters(book: RenderedBook) -> frozenset[str]:
    """Every character the book sets in its faces: its text's and its SVG images' text's."""
    return book.text_characters | frozenset(c for asset in book.assets for text, _ in svg_texts(asset)
                                            for c in text)


def svg_texts(asset: Asset) -> tuple[tuple[str, int | None], ...]:
    """The text of an SVG image's <text> elements, each with its line: the PDF sets it in the
    book's faces (pdf/svgfonts.py)."""
    if asset.media_type != 'image/svg+xml':
        return ()
    return _svg_texts(asset.source, asset.data)


@functools.lru_cache(maxsize=256)
def _svg_texts(source: Path, data: bytes | None) -> tuple[tuple[str, int | None], ...]:
    from lxml import etree

    from makebook.safety.xmlchars import safe_xml_parser

    try:
        root = etree.fromstring(data if data is not None else source.read_bytes(), safe_xml_parser())
    except (OSError, etree.XMLSyntaxError):
        return ()
    found: list[tuple[str, int | None]] = []
    for element in root.iter('{http://www.w3.org/2000/svg}text'):
        text = ' '.join(''.join(t if isinstance(t, str) else t.decode() for t in element.itertext()).split())
        if text:
            line = element.sourceline
            found.append((text, line if isinstance(line, int) else None))
    return tuple(found)


def needed_characters(characters: Iterable[str], faces: Iterable[Face]) -> set[str]:
    """The characters (that a font must draw) none of ``faces`` has."""
    faces = list(faces)
    return {c for c in characters if not INVISIBLE.fullmatch(c) and not any(f.covers(c) for f in faces)}


def face_of(char: str, faces: Iterable[Face]) -> Face | None:
    """The first of ``faces`` that has ``char``: the face it is set in."""
    return next((face for face in faces if face.covers(char)), None)


# The font-family list every theme stylesheet names, in this exact form: with_families puts
# the author's and the fallback faces a book uses at its end.
STYLESHEET_FAMILIES = "'Source Serif Pro', 'Frank Ruhl Libre', 'Amiri'"


def with_families(css: str, faces: Iterable[Face]) -> str:
    """``css`` (a theme stylesheet) with the author's and fallback faces of ``faces`` named in
    its font-family lists, after the book's own."""
    added = ''.join(f", '{face.family}'" for face in faces if face.added or face.script == 'cjk')
    return css.replace(STYLESHEET_FAMILIES, STYLESHEET_FAMILIES + added) if added else css


def font_data(face: Face, font: FontFile, characters: Set[str], faces: Iterable[Face]) -> bytes:
    """A font file's bytes for the EPUB and web edition: the book and script faces whole, an
    author's or fallback face cut down to the book's ``characters`` that are set in it (those
    the ``faces`` before it lack), and made static (e-readers do not all read variable fonts)."""
    if not face.added:
        return font.path.read_bytes()
    faces = tuple(faces)
    return _subset(font.path, font.weight, frozenset(c for c in characters if face_of(c, faces) is face))


def subset_once(book: RenderedBook) -> None:
    """Cut down, once, every added face the book uses (:func:`font_data`: seconds, for a book
    set partly in fallback faces), so that the EPUB and the web edition, made side by side in
    two processes (build.py), do not each do it: both then find the subsets made."""
    used = faces_for(book)
    characters = book_characters(book)
    for face in used:
        for font in face.files if face.added else ():
            font_data(face, font, characters, used)


@functools.lru_cache(maxsize=64)
def _subset(path: Path, weight: int, characters: frozenset[str]) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    # recalcTimestamp=False: the subset keeps the font's own 'modified' date, not the build's
    # time, so a book built twice gives the same bytes (a warm build's web edition and EPUB too).
    font = TTFont(str(path), fontNumber=0, recalcTimestamp=False)
    options = subset.Options()
    options.name_IDs = ['*']  # keep the copyright and licence the font carries
    options.notdef_outline = True
    options.layout_features = ['*']
    # FontForge's timestamp (DejaVu Sans has one): fontTools cannot subset it and says so.
    options.drop_tables = [*options.drop_tables, 'FFTM']
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    subsetter.subset(font)  # first: instancing a whole variable font takes minutes, a subset not
    if 'fvar' in font:
        axes = {axis.axisTag: axis for axis in font['fvar'].axes}
        location = {tag: (float(min(max(weight, axis.minValue), axis.maxValue)) if tag == 'wght'
                          else axis.defaultValue) for tag, axis in axes.items()}
        font = instancer.instantiateVariableFont(font, location)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_format(font: FontFile) -> str:
    return 'opentype' if font.path.suffix.lower() == '.otf' else 'truetype'


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
        f"  src: url('{url_for(face, font)}') format('{font_format(font)}');\n"
        '}\n'
        for face in faces for font in face.files)


@functools.cache
def cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    with TTFont(str(path), lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap())


@functools.cache
def coverage(face: Face) -> frozenset[int]:
    """Every code point one of the face's files has."""
    return frozenset().union(*(cmap(font.path) for font in face.files))
