"""The values that flow between the stages, at the bottom of the house.

Every stage is a function from one of these immutable values to the next::

    BuildOptions ─ source ─> Manuscript (SourceFile..., Metadata)
                 ─ render ─> RenderedBook (Chapter..., Asset...)
                 ─ checks ─> diagnostics
                 ─ pdf ────> PrintPages (where each printed page begins), for the EPUB
                 ─ epub / pdf / web ─> bytes

This module imports nothing from the rest of make-book and no library beyond
the standard one, so every stage (and the command line, which must start
fast) can use it.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import functools
import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

# ---------------------------------------------------------------- XML namespaces

XHTML_NS = 'http://www.w3.org/1999/xhtml'
EPUB_NS = 'http://www.idpf.org/2007/ops'
XML_NS = 'http://www.w3.org/XML/1998/namespace'
MATHML_NS = 'http://www.w3.org/1998/Math/MathML'
NSMAP: dict[str | None, str] = {None: XHTML_NS, 'epub': EPUB_NS}
EPUB_TYPE = f'{{{EPUB_NS}}}type'

# ---------------------------------------------------------------- what the user asked

# The editions make-book writes, in the order the command line lists them.
FORMATS = ('epub', 'pdf', 'html')
NOTE_MODES = ('footnotes', 'chapter-endnotes', 'book-endnotes')
# The PDF variants offered; WeasyPrint supports more, these are the ones tested here.
PDF_VARIANTS = ('pdf/ua-1', 'pdf/a-3b', 'pdf/x-4', 'pdf/x-1a')
# The default PDF is tagged (structure tree, /Lang, alt text).
DEFAULT_VARIANT = 'tagged'
PRINT_READY_VARIANT = 'pdf/x-4'


@dataclass(frozen=True, slots=True)
class PrintOverrides:
    """Print settings given on the command line; None leaves the metadata's value."""

    notes: str | None = None
    pdf_variant: str | None = None
    print_ready: bool | None = None


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What the user asked the build to do. None leaves the choice to the metadata's
    ``make-book:`` settings (:class:`BuildSettings`), then to make-book's default."""

    manuscript: Path
    out_dir: Path | None = None  # default: the settings' output, else build/
    formats: tuple[str, ...] | None = None  # default: the settings' formats, else all
    strict: bool | None = None
    allow_remote: bool = False  # --allow-remote: download remote images, any host
    print_overrides: PrintOverrides = field(default_factory=PrintOverrides)
    jobs: int = 0  # processes the build may use at once; 0: one per core

    def assumed(self) -> BuildOptions:
        """These options with make-book's defaults where they leave the choice to the book's
        settings: what the nothing-changed check (fresh.py) looks up before reading anything."""
        return BuildOptions(self.manuscript, self.out_dir or DEFAULT_OUT_DIR, self.formats or FORMATS,
                            bool(self.strict), self.allow_remote, self.print_overrides, self.jobs)


DEFAULT_OUT_DIR = Path('build')


@dataclass(frozen=True, slots=True)
class Ignore:
    """One entry of the ``make-book: ignore:`` list: a warning code, everywhere or in some files."""

    code: str  # 'MB424'
    files: str | None = None  # a glob of manuscript paths ('notes/*.md'), None for every file


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """The metadata's ``make-book:`` key: how to build this book (the command line wins).

    Relative paths are relative to the folder that holds the manuscript (the
    project folder), whatever the current directory.
    """

    output: Path | None = None
    formats: tuple[str, ...] | None = None
    strict: bool | None = None
    ignore: tuple[Ignore, ...] = ()


class Progress(Protocol):
    """Where a build says what it is doing; the command line shows it (or not)."""

    def stage(self, name: str, total: int = 0) -> None:
        """A stage begins ('rendering'); ``total``: how many items it will :meth:`advance` by."""

    def advance(self, count: int = 1) -> None:
        """``count`` more items of the current stage are done."""


class NoProgress:
    """A build nobody watches."""

    def stage(self, name: str, total: int = 0) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


# ---------------------------------------------------------------- metadata


@dataclass(frozen=True, slots=True)
class TrimSize:
    """The printed page, in CSS units WeasyPrint understands."""

    width: str
    height: str

    @property
    def css(self) -> str:
        return f'{self.width} {self.height}'


DEFAULT_TRIM = TrimSize('5.5in', '8.5in')


# MARC relator codes of the contributors a title page names with their role.
CONTRIBUTOR_ROLES = ('trl', 'edt', 'ill')


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    role: str = 'aut'  # a MARC relator code: aut, edt, trl, ill...
    file_as: str | None = None


@dataclass(frozen=True, slots=True)
class PrintSettings:
    """Settings of the print edition (config/print_settings.py reads them)."""

    notes: str = 'footnotes'
    chapter_label: str | None = 'Chapter {n}'
    dedication: str | None = None
    epigraph: str | None = None
    epigraph_source: str | None = None
    half_title: bool = True
    small_caps: bool = True
    keywords: tuple[str, ...] = ()
    pdf_variant: str = DEFAULT_VARIANT  # 'tagged', 'none' or one of PDF_VARIANTS
    print_ready: bool = False

    def label_for(self, number: int) -> str | None:
        return self.chapter_label.replace('{n}', str(number)) if self.chapter_label else None

    @property
    def variant(self) -> str | None:
        """The WeasyPrint ``pdf_variant`` (None for a plain PDF, tagged or not)."""
        if self.print_ready and self.pdf_variant in (DEFAULT_VARIANT, 'none'):
            return PRINT_READY_VARIANT
        return self.pdf_variant if self.pdf_variant in PDF_VARIANTS else None

    @property
    def tagged(self) -> bool:
        return self.pdf_variant != 'none'


@dataclass(frozen=True, slots=True)
class Stylesheet:
    """An extra stylesheet the metadata names (``css:``, ``epub-css:``...)."""

    name: str  # path relative to the manuscript folder, as resolved
    css: str
    editions: tuple[str, ...]  # 'epub', 'print', 'web'


# CLDR's English list patterns (config/labels.py's English table has the same).
_ENGLISH_LISTS = {'list-two': '{0} and {1}', 'list-start': '{0}, {1}', 'list-middle': '{0}, {1}',
                  'list-end': '{0}, and {1}'}


@dataclass(frozen=True, slots=True)
class Labels:
    """The words make-book prints itself, in the book's language (config/labels.py makes them).

    ``labels('chapter', n=3)`` is 'Chapitre 3' in a French book. A Labels made
    here with no words knows none: build metadata with ``config.labels.labels_for``.
    """

    words: Mapping[str, str] = field(default_factory=dict, hash=False)
    language: str = 'en'  # the book's language tag
    english: frozenset[str] = frozenset()  # keys whose words fell back to English

    def __call__(self, key: str, /, **values: object) -> str:
        try:
            template = self.words[key]
        except KeyError:
            raise KeyError(f'no label {key!r}: make the metadata with config.labels.labels_for') from None
        return template.format_map({name: str(value) for name, value in values.items()})

    def lang_of(self, key: str) -> str:
        """The language the words of ``key`` are in: the book's, or 'en' where they fell back."""
        return 'en' if key in self.english else self.language

    def join(self, items: list[str] | tuple[str, ...], inside: str | None = None) -> str:
        """'A', 'A and B', 'A, B, and C' by the language's list patterns (CLDR's, with ICU's
        two exceptions: Spanish 'e' before an /i/ sound, Hebrew 'ו-' before a non-Hebrew word).
        ``inside``: the label the list is printed in; one in English (the language's table
        lacks it) lists in English too, not "Set in A、B和C, used under..."."""
        english = inside is not None and inside in self.english
        if len(items) <= 1:
            return ''.join(items)
        if len(items) == 2:
            return self._pair('list-two', items[0], items[1], english)
        line = self._pair('list-start', items[0], items[1], english)
        for item in items[2:-1]:
            line = self._pair('list-middle', line, item, english)
        return self._pair('list-end', line, items[-1], english)

    def _pair(self, key: str, first: str, second: str, english: bool = False) -> str:
        pattern = _ENGLISH_LISTS[key] if english else self.words[key]
        primary = self.language.split('-')[0].lower()
        if primary == 'es' and ' y {1}' in pattern and re.match(r'(?i)h?i(?![aeoué])', second):
            pattern = pattern.replace(' y {1}', ' e {1}')  # "Juan e Isabel", but "agua y hielo"
        elif primary in ('he', 'iw') and pattern.endswith('ו{1}') and not re.match('[\u05d0-\u05ea]',
                                                                                 second):
            pattern = pattern[:-len('ו{1}')] + 'ו-{1}'  # "רחל ו-John"
        return pattern.replace('{0}', first).replace('{1}', second)


@dataclass(frozen=True, slots=True)
class AuthorFont:
    """A font file the author adds for what the book's faces lack ('fonts:' in the metadata)."""

    path: Path  # absolute, inside the manuscript folder
    family: str  # the family name the font gives itself
    weight: int
    style: str  # 'normal' | 'italic'
    licence: str  # the licence's text, or what the font says of its licence


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the book says about itself; shared by every output."""

    title: str
    language: str
    identifier: str
    authors: tuple[Author, ...]
    modified: dt.datetime  # UTC, from SOURCE_DATE_EPOCH or the newest manuscript file
    subtitle: str | None = None
    date: str | None = None
    publisher: str | None = None
    rights: str | None = None
    description: str | None = None
    subjects: tuple[str, ...] = ()
    cover_image: str | None = None
    allow_remote: bool = False  # 'allow-remote: true': download public remote images
    trim: TrimSize = DEFAULT_TRIM
    print_settings: PrintSettings = field(default_factory=PrintSettings)
    series: str | None = None
    series_index: str | None = None  # 'group-position': '2', '2.5'
    isbn: str | None = None  # digits only, check digit verified
    direction: str = 'ltr'  # 'rtl' from 'dir: rtl' or a right-to-left language
    footnote_numbering: str = 'chapter'  # 'chapter' (restart in each) or 'book'
    cover_path: Path | None = None  # cover-image resolved inside the manuscript folder
    stylesheets: tuple[Stylesheet, ...] = ()  # css:, epub-css:, print-css:, web-css:
    labels: Labels = field(default_factory=Labels)  # the words make-book prints (config/labels.py)
    # How a chapter with no title of its own is titled ('{n}': its number); None: the
    # language's word for a chapter ('Chapter {n}', 'Chapitre {n}').
    chapter_title_template: str | None = None
    quotes: str | None = None  # 'quotes:': four marks replacing the language's (config/typography.py)
    # The title as the metadata wrote it, before its quotes and spaces were set: the output
    # files are named after it, so setting typography never renames a book's files.
    written_title: str | None = None
    fonts: tuple[AuthorFont, ...] = ()  # the author's own font files, after the book's faces
    original_language: str | None = None  # 'original-language': the language translated from
    short_title: str | None = None  # 'short-title': the book's title in its running heads
    # ... named as the book's language writes it in 'Translated from the {language} by'
    # ('Swedish', 'du suédois': config/language.py), and the ISBN as a page prints it
    # (978-1-4028-9462-6: config/isbn.py).
    original_language_name: str | None = None
    isbn_printed: str | None = None

    @property
    def creators(self) -> tuple[Author, ...]:
        """The authors proper: not the editors, translators and illustrators, whom the title page
        names with their role (all of them, if the book names no one else)."""
        own = tuple(a for a in self.authors if a.role not in CONTRIBUTOR_ROLES)
        return own or self.authors

    @property
    def contributors(self) -> tuple[Author, ...]:
        """Editors, translators and illustrators, named with their role, when there are authors."""
        return tuple(a for a in self.authors if a.role in CONTRIBUTOR_ROLES and a not in self.creators)

    @property
    def slug(self) -> str:
        """The outputs' file name: the title's slug, shortened at a word so that every name
        made from it (with '.epub', a temporary prefix) fits any file system."""
        return shorten_slug(slugify(self.written_title or self.title)) or 'book'

    @property
    def author_line(self) -> str:
        """The authors, joined as the book's language lists names ('A, B, and C'; 'A, B et C')."""
        return self.labels.join([a.name for a in self.creators])


# File names hold 255 bytes; the outputs add '.epub' and, while written, a temporary prefix.
MAX_SLUG = 80


def shorten_slug(slug: str, limit: int = MAX_SLUG) -> str:
    """``slug`` cut to ``limit`` characters at a word break (a hyphen) where there is one."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit + 1].rfind('-')
    return (slug[:cut] if cut >= limit // 2 else slug[:limit]).strip('-')


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphenated: 'Léon: The Professional' -> 'leon-the-professional'."""
    ascii_text = unicodedata.normalize('NFKD', text).encode('ascii', 'ignore').decode('ascii')
    return re.sub(r'[^a-z0-9]+', '-', ascii_text.lower()).strip('-')


# ---------------------------------------------------------------- the manuscript

# The file names Markdown goes by (GitHub's list, less the rare ones); a folder's chapters
# are the files with one of these, in natural file-name order.
MARKDOWN_SUFFIXES = ('.md', '.markdown', '.mdown', '.mkd', '.mkdn', '.mdwn')


@dataclass(frozen=True)
class SourceFile:
    """One Markdown file, decoded and split from its front matter."""

    path: Path  # absolute
    name: str  # path relative to the manuscript root, POSIX style ('ch1.md')
    markdown: str  # the body, without front matter
    first_line: int  # line number in the file where ``markdown`` starts
    front_matter: Mapping[str, Any]
    part: str | None = None  # the part the project layout puts the file in
    depth: int = 0  # > 0: the layout nests the file's chapter under the chapter before it
    unnumbered: bool = False  # the layout says so (mdBook's prefix and suffix chapters)
    # The layout's list decides the chapters (mdBook's SUMMARY.md): the file is one chapter,
    # its headings after its title stay inside it, and ``listed_title`` (the list's link
    # text) titles it when it has no heading.
    one_chapter: bool = False
    listed_title: str | None = None
    # mdBook hides lines of code blocks (rustdoc's '# ' in Rust, a prefix per language from
    # book.toml's [output.html.code.hidelines]): None outside mdBook, else (language, prefix)s.
    hidelines: tuple[tuple[str, str], ...] | None = None
    # Where each line of ``markdown`` was written, when it is not this file (mdBook
    # includes): (file, line) per line; empty means line n is ``first_line + n`` here.
    origins: tuple[tuple[Path, int], ...] = ()
    front_matter_lines: Mapping[str, int] = field(default_factory=dict)  # key -> line in the file

    @functools.cached_property
    def _line_starts(self) -> list[int]:
        """The offset in ``markdown`` where each line begins (one index per file)."""
        return _line_starts(self.markdown)

    def line_at(self, offset: int) -> int:
        """The file's line number of the character at ``offset`` in ``markdown``."""
        return self.first_line + bisect.bisect_right(self._line_starts, offset) - 1

    @functools.cached_property
    def _folded(self) -> tuple[str, list[int]]:
        # Lower-casing can change a text's length ('İ'): the folded text has its own line index.
        folded = self.markdown.lower()
        return folded, _line_starts(folded)

    def line_of(self, *needles: str | tuple[str, ...], ignore_case: bool = False) -> int | None:
        """The line where the first of ``needles`` that is written in the file first appears.

        Needles are tried in order, so a precise one (``'(src'``) may come before a
        loose one (``'src'``). A tuple of strings finds a line holding all of them:
        ``('<a', 'rel=')`` finds the link's line, not an earlier ``<link rel=``.
        """
        found = self.find(needles, ignore_case)
        return None if found is None else found[0]

    def find(self, needles: tuple[str | tuple[str, ...], ...], ignore_case: bool = False,
             start: int = 0) -> tuple[int, int] | None:
        """(line, offset just past the match) of the first of ``needles`` written at or after
        ``start``, tried in order as :meth:`line_of` does; a needle of several lines is found
        whole, else by its first line."""
        text, starts = self._folded if ignore_case else (self.markdown, self._line_starts)
        for needle in needles:
            parts = [p.lower() if ignore_case else p
                     for p in ((needle,) if isinstance(needle, str) else needle) if p]
            if not parts:
                continue
            for candidate in _candidates(parts):
                offset = _find_on_one_line(text, candidate, start, starts)
                if offset is not None:
                    line = self.first_line + bisect.bisect_right(starts, offset) - 1
                    return line, offset + len(candidate[0])
        return None


def _line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in re.finditer('\n', text))]


def _candidates(parts: list[str]) -> list[list[str]]:
    """What to look for: the parts as given; when one spans lines, the whole of a single
    needle, then each part's first line (Markdown may have folded what followed)."""
    if not any('\n' in p for p in parts):
        return [parts]
    firsts = [next((line for line in p.split('\n') if line.strip()), '') for p in parts]
    whole = [[parts[0]]] if len(parts) == 1 else []
    return [*whole, [f for f in firsts if f]] if any(firsts) else whole


def _find_on_one_line(text: str, parts: list[str], start: int, starts: list[int]) -> int | None:
    """The offset of ``parts[0]`` at or after ``start`` on a line that also holds the other parts
    (``starts``: the text's line starts). The line is found in the index and searched in place:
    copying it, or scanning back for its start, cost the length of the line for each problem
    (100,000 problems on one 500 kB line: seconds)."""
    position = text.find(parts[0], start)
    if '\n' in parts[0] or len(parts) == 1:  # a whole needle of several lines, or one part
        return position if position >= 0 else None
    while position >= 0:
        index = bisect.bisect_right(starts, position)
        line_start = starts[index - 1]
        line_end = starts[index] - 1 if index < len(starts) else len(text)
        if all(text.find(p, line_start, line_end) >= 0 for p in parts[1:]):
            return position
        position = text.find(parts[0], line_end) if index < len(starts) else -1
    return None


class Locator:
    """Where each problem of one file is written, a needle asked for again finding its next
    occurrence: the same missing image on three lines is reported on each of the three.

    One locator serves one pass over a converted file, whose elements come in the order
    they were written; asked past the last occurrence, it answers the first again.
    :meth:`in_order` gives a pass its own view, which looks for a needle it has not been
    asked before from its last answer on.
    """

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        # Per question: where to look next (None: no occurrence left) and the first answer.
        self._state: dict[tuple[tuple[str | tuple[str, ...], ...], bool], tuple[int | None, int | None]] = {}
        self._cursor: int | None = None  # in order: the offset past the last answer

    @classmethod
    def of(cls, where: SourceFile | Locator) -> Locator:
        return where if isinstance(where, Locator) else cls(where)

    def in_order(self) -> Locator:
        """This locator for one pass whose questions come in the order their answers are
        written (the elements of a converted file, one kind at a time): a needle not asked
        before is looked for from the last answer on, and from the file's start only when it
        is not written after it. Each new needle looked for from the start cost the text up
        to its place: quadratic in the distinct needles of a file (20,000 remote images on
        one line: 2.5 CPU s of 8), and a needle also written earlier, inside something
        else, was reported there. The view shares the needles asked (a needle asked again
        goes on from its last answer in any pass) but not the place of the last answer."""
        view = copy.copy(self)  # (the same _state)
        view._cursor = 0
        return view

    @property
    def path(self) -> Path:
        return self.source.path

    def line_of(self, *needles: str | tuple[str, ...], ignore_case: bool = False) -> int | None:
        """The line of the next occurrence of ``needles`` (see :meth:`SourceFile.line_of`)."""
        key = (needles, ignore_case)
        state = self._state.get(key)
        start, first = state or (0, None)
        if start is not None:
            found = None
            if state is None and self._cursor:
                found = self.source.find(needles, ignore_case, self._cursor)
            found = found or self.source.find(needles, ignore_case, start)
            if found is not None:
                self._state[key] = (found[1], found[0] if first is None else first)
                if self._cursor is not None:
                    self._cursor = found[1]
                return found[0]
        self._state[key] = (None, first)
        return first


@dataclass(frozen=True, slots=True)
class Manuscript:
    root: Path  # the folder everything resolves against
    files: tuple[SourceFile, ...]
    metadata: Metadata
    diagnostics: tuple[Any, ...] = ()  # Diagnostic values (errors.py) found while reading
    layout: str = ''  # which project layout gave the files ('Layout: Quarto (4 .md files)')
    settings: BuildSettings = field(default_factory=BuildSettings)  # the make-book: key


# ---------------------------------------------------------------- the rendered book


@dataclass(frozen=True, slots=True)
class Section:
    """A level-2 heading inside a chapter: a nested TOC entry."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Asset:
    """A file the book uses (an image), copied into every output."""

    source: Path  # absolute path inside the manuscript folder
    href: str  # POSIX path relative to the book root, used in every output
    media_type: str
    data: bytes | None = None  # the bytes to write, when make-book rewrote the file (an SVG's DOCTYPE)

    def content(self) -> bytes:
        """What every output carries for this file."""
        return self.data if self.data is not None else self.source.read_bytes()


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the book: a title page in the PDF, a nested entry in every TOC."""

    id: str
    title: str


# A level-1 heading with one of these classes (or epub:type) makes an unnumbered
# front- or back-matter division of that kind instead of a chapter.
FRONT_MATTER_TYPES = ('dedication', 'epigraph', 'foreword', 'preface', 'prologue')
BACK_MATTER_TYPES = ('afterword', 'epilogue', 'appendix', 'acknowledgments', 'colophon',
                     'bibliography', 'glossary')
# Divisions that open the book, before the contents, in this order.
LEADING_TYPES = ('dedication', 'epigraph')


@dataclass(frozen=True, slots=True)
class Chapter:
    """One chapter as an XHTML ``<section>``, with ids unique in the whole book."""

    id: str  # id of the chapter's level-1 heading
    file_name: str  # 'chapter-003.xhtml', the chapter's own file in the EPUB
    title: str  # plain text, for navigation
    number: int | None  # None for unnumbered chapters
    source: str  # manuscript file it came from ('03-x.md')
    body: str  # serialized XHTML <section> element
    sections: tuple[Section, ...] = ()
    ids: frozenset[str] = frozenset()
    part: Part | None = None  # the part the chapter opens or continues
    has_math: bool = False  # the EPUB manifest item needs the 'mathml' property
    kind: str = 'bodymatter'  # frontmatter | bodymatter | backmatter (EPUB 3 structural semantics)
    epub_type: str = 'chapter'  # dedication, epigraph, preface, appendix... from the heading
    # Nesting in the tables of contents: 0 for a chapter, 1 for a sub-chapter of the
    # nearest chapter before it with a smaller depth (mdBook's nested SUMMARY.md items,
    # '{file: x.md, chapters: [...]}' in a chapters: list), and so on.
    depth: int = 0
    # The ids of the chapter's top-level blocks, in reading order (footnotes left out):
    # the print edition reports on which page each begins, for the EPUB's page-list.
    blocks: tuple[str, ...] = ()
    listed: bool = True  # False: left out of every table of contents (pandoc's {.unlisted})


# A chapter in a table of contents, with the chapters nested under it.
TocNode = tuple[Chapter, list['TocNode']]


def nest(chapters: list[Chapter]) -> list[TocNode]:
    """Chapters as a tree by their ``depth``, in reading order: each chapter goes under the
    nearest chapter before it with a smaller depth (at the top when there is none)."""
    top: list[TocNode] = []
    open_nodes: list[TocNode] = []
    for chapter in chapters:
        while open_nodes and open_nodes[-1][0].depth >= chapter.depth:
            open_nodes.pop()
        node: TocNode = (chapter, [])
        (open_nodes[-1][1] if open_nodes else top).append(node)
        open_nodes.append(node)
    return top


def by_part(chapters: tuple[Chapter, ...]) -> list[tuple[Part | None, list[Chapter]]]:
    """Runs of consecutive chapters sharing a part (None: not in a part), for the TOCs; a chapter
    left out of them (``listed`` False) is not in any."""
    groups: list[tuple[Part | None, list[Chapter]]] = []
    for chapter in chapters:
        if not chapter.listed:
            continue
        if groups and groups[-1][0] == chapter.part:
            groups[-1][1].append(chapter)
        else:
            groups.append((chapter.part, [chapter]))
    return groups


def leading(chapters: tuple[Chapter, ...]) -> int:
    """How many chapters at the head of the book are dedication or epigraph pages
    (they come before the contents in every edition)."""
    count = 0
    for chapter in chapters:
        if chapter.epub_type not in LEADING_TYPES:
            break
        count += 1
    return count


@dataclass(frozen=True)
class RenderedBook:
    """The whole book as XHTML chapters: what every writer starts from."""

    metadata: Metadata
    root: Path
    chapters: tuple[Chapter, ...]
    assets: tuple[Asset, ...]
    diagnostics: tuple[Any, ...] = ()  # Diagnostic values found while rendering
    # The files it was rendered from, for checks and stats; not part of what the book is (its
    # chapters are), and not hashable (front matter is a dict).
    sources: tuple[SourceFile, ...] = field(default=(), compare=False)

    @functools.cached_property
    def _owners(self) -> dict[str, Chapter]:
        return {element_id: chapter for chapter in self.chapters for element_id in chapter.ids}

    def chapter_of(self, element_id: str) -> Chapter | None:
        """The chapter holding the element with this id."""
        return self._owners.get(element_id)

    @functools.cached_property
    def text(self) -> str:
        """Everything the book prints: its metadata strings and its chapters' markup."""
        return '\n'.join([*strings_of(self.metadata), *(chapter.body for chapter in self.chapters)])

    @functools.cached_property
    def characters(self) -> frozenset[str]:
        """Every character of :attr:`text`, once: which faces a book needs is read from these."""
        return frozenset(self.text)

    @functools.cached_property
    def text_characters(self) -> frozenset[str]:
        """The characters the book prints as text: the metadata's strings and the chapters'
        text, without markup or math (the PDF draws math, and readers set it in their own
        math fonts)."""
        from dataclasses import replace

        text = ''.join(_MARKUP.sub(' ', _MATH.sub(' ', chapter.body)) for chapter in self.chapters)
        printed = replace(self.metadata, stylesheets=(), fonts=())  # not CSS, not font licences
        return frozenset(''.join([*strings_of(printed), html.unescape(text)]))

    @functools.cached_property
    def languages(self) -> frozenset[str]:
        """The primary language subtags the book is written in ('en', 'he'...)."""
        tags = [self.metadata.language, *lang_values(self.text)]
        return frozenset(tag.split('-')[0].lower() for tag in tags)


_LANG = re.compile(r'lang="([^"]+)"')
_WORD = re.compile(r'\w')


def lang_values(markup: str) -> list[str]:
    """Every ``lang="..."`` value of ``markup`` (``xml:lang`` too, not ``hreflang``): what
    ``re.findall(r'\blang="([^"]+)"', markup)`` finds, found by the pattern's literal start
    (a search that begins with ``\b`` tries every position of the text: 20 ms for a novel),
    the word boundary then checked at each match."""
    return [match[1] for match in _LANG.finditer(markup)
            if not (match.start() and _WORD.match(markup, match.start() - 1))]


_MATH = re.compile(r'<math\b.*?</math>', re.DOTALL)
_MARKUP = re.compile(r'<[^>]*>')


def strings_of(value: object) -> list[str]:
    """Every string inside a value made of dataclasses, tuples and lists (the metadata)."""
    from dataclasses import fields, is_dataclass

    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif is_dataclass(item) and not isinstance(item, type):
            stack.extend(reversed([getattr(item, f.name) for f in fields(item)]))
        elif isinstance(item, list | tuple):
            stack.extend(reversed(item))
        elif isinstance(item, Mapping):  # the labels' words
            stack.extend(reversed(list(item.values())))
    return found


# ---------------------------------------------------------------- print pages


@dataclass(frozen=True)
class PrintPages:
    """Where each printed page begins, in reading order: the print edition's gift to the EPUB."""

    breaks: tuple[tuple[str, str], ...]  # (folio, id of the first block on that page)
    source: str  # names the print edition (its ISBN, else the book's identifier)

    @functools.cached_property
    def _folios(self) -> dict[str, str]:
        folios: dict[str, str] = {}
        for folio, target in self.breaks:
            folios.setdefault(target, folio)
        return folios

    def folio_of(self, element_id: str) -> str | None:
        return self._folios.get(element_id)


@dataclass(frozen=True, slots=True)
class PrintedBook:
    """The PDF and where each of its pages begins (for the EPUB's page-list)."""

    pdf: bytes
    pages: PrintPages
    warnings: tuple[Any, ...] = ()  # Diagnostic values only the layout could find (errors.py)
    page_count: int | None = None  # the layout's: the build's summary need not read the PDF again
