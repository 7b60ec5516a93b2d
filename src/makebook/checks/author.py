"""Checks for the author, run by ``make-book check`` (not by every build): the text as a
careful copy-editor would read it.

Each reads the rendered chapters (after smart punctuation, so only what
really reaches the reader is reported) and finds the line in the manuscript
file by the words around the problem. Each has one code (codes.py, MB42x).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from makebook import codes
from makebook.codes import Code
from makebook.errors import Diagnostic
from makebook.model import XHTML_NS, Chapter, RenderedBook, SourceFile
from makebook.xhtml import chapter_element

LONG_PARAGRAPH = 450  # words: a page and a half in print, many screens of a phone
_HEADINGS = tuple(f'{{{XHTML_NS}}}h{level}' for level in range(1, 7))
# Blocks whose own text is prose (not their nested blocks': each block is read once).
_PROSE = tuple(f'{{{XHTML_NS}}}{name}' for name in
               ('p', 'li', 'dd', 'dt', 'td', 'th', 'figcaption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'))
_BLOCKS = {*_PROSE, *(f'{{{XHTML_NS}}}{name}' for name in
                      ('ul', 'ol', 'dl', 'blockquote', 'div', 'section', 'aside', 'figure', 'table', 'pre'))}
# Inline elements whose text is not prose: code keeps its straight quotes and dots.
_NOT_PROSE = {f'{{{XHTML_NS}}}{name}' for name in ('code', 'kbd', 'samp', 'pre', 'var')} | \
    {'{http://www.w3.org/1998/Math/MathML}math'}
# Smart punctuation undone, to find the author's words in the manuscript.
_AS_TYPED = str.maketrans({'“': '"', '”': '"', '‘': "'", '’': "'", '…': '...', '–': '--', '—': '---',
                           '\u00a0': ' '})


@dataclass(frozen=True)
class Block:
    """A prose block of a chapter: its text (code left out), and where the chapter came from."""

    chapter: Chapter
    element: etree._Element
    text: str


def headings_in_order(book: RenderedBook) -> list[Diagnostic]:
    """A heading one level below the next: ``#`` then ``###`` skips ``##`` (screen readers and
    the tables of contents rely on the levels)."""
    problems = []
    for chapter in book.chapters:
        previous = 1
        for heading in _section(chapter).iter(*_HEADINGS):
            if _in_notes(heading):
                continue
            level = int(heading.tag[-1])
            if level > previous + 1:
                text = _text(heading)
                problems.append(_at(book, chapter, codes.SKIPPED_HEADING_LEVEL,
                                    f"the heading '{text}' is level {level} under a level {previous}: "
                                    f'level {previous + 1} is skipped', ('#' * level + ' ', text), text))
            previous = level
    return problems


def unique_chapter_titles(book: RenderedBook) -> list[Diagnostic]:
    """Two chapters with the same title look the same in every table of contents."""
    seen: dict[str, Chapter] = {}
    problems = []
    for chapter in book.chapters:
        key = ' '.join(chapter.title.casefold().split())
        first = seen.setdefault(key, chapter)
        if first is not chapter and key:
            problems.append(_at(book, chapter, codes.DUPLICATE_CHAPTER_TITLE,
                                f"the chapter title '{chapter.title}' is also the title of a chapter "
                                f'in {first.source}', ('# ', chapter.title), chapter.title))
    return problems


def balanced_quotes(book: RenderedBook) -> list[Diagnostic]:
    """A paragraph whose curly double quotes do not pair up: a quote never closed or never opened
    (or smart punctuation turned the wrong way next to markup). A quotation running over several
    paragraphs, each opening with a quote mark, is the usual convention and is not reported."""
    problems = []
    blocks = list(_blocks(book))
    for index, block in enumerate(blocks):
        opened, closed = block.text.count('“'), block.text.count('”')
        if opened == closed:
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if opened > closed and following is not None and following.text.lstrip().startswith('“'):
            continue  # a quotation that runs on into the next paragraph
        problems.append(_at(book, block.chapter, codes.UNBALANCED_QUOTES,
                            f'{opened} opening and {closed} closing double quotes in the paragraph '
                            f'beginning "{_start(block.text)}"', None, block.text))
    return problems


def curled_quotes(book: RenderedBook) -> list[Diagnostic]:
    """Straight quotes that reached the reader (in raw HTML, or where smart punctuation could not
    tell which way to turn them)."""
    return _pattern(book, re.compile(r'["\']'), codes.STRAIGHT_QUOTES,
                    lambda found: f'a straight {"double" if found == chr(34) else "single"} quote '
                                  'is left uncurled')


def ellipses(book: RenderedBook) -> list[Diagnostic]:
    """Spaced dots (``. . .``) or dots smart punctuation did not join stay three full stops (four,
    a full stop and an ellipsis, are left alone)."""
    return _pattern(book, re.compile(r'(?<!\.)(?<!\. )(?:\. \. \.|\.\.\.)(?! ?\.)'),
                    codes.DOTS_FOR_ELLIPSIS,
                    lambda found: f"'{found}' is printed as separate full stops, not an ellipsis")


def dashes(book: RenderedBook) -> list[Diagnostic]:
    """A hyphen with a space each side is used as a dash; it prints as a short hyphen."""
    return _pattern(book, re.compile(r'(?<=\S) - (?=\S)'), codes.SPACED_HYPHEN,
                    lambda found: 'a spaced hyphen is used as a dash')


def paragraph_length(book: RenderedBook) -> list[Diagnostic]:
    """A paragraph longer than a printed page is hard to follow, and longer still on a phone."""
    problems = []
    for block in _blocks(book):
        words = len(block.text.split())
        if block.element.tag == f'{{{XHTML_NS}}}p' and words > LONG_PARAGRAPH:
            problems.append(_at(book, block.chapter, codes.LONG_PARAGRAPH,
                                f'a paragraph of {words} words (more than {LONG_PARAGRAPH}) begins '
                                f'"{_start(block.text)}"', None, block.text))
    return problems


# ---------------------------------------------------------------- reading the chapters


def _section(chapter: Chapter) -> etree._Element:
    return chapter_element(chapter)


def _in_notes(element: etree._Element) -> bool:
    return any(parent.get('class') == 'footnotes' for parent in element.iterancestors())


# The blocks of the book being checked (check_book reads them once for all the checks here).
_READ: dict[int, tuple[RenderedBook, tuple[Block, ...]]] = {}


@contextlib.contextmanager
def blocks_read_once(book: RenderedBook) -> Iterator[None]:
    """Within it, the checks here read ``book``'s chapters once, not once each (five parses
    and walks of every chapter: half the checks' time on a 200,000-word book). The blocks are
    let go after it."""
    _READ[id(book)] = (book, tuple(_read_blocks(book)))
    try:
        yield
    finally:
        _READ.pop(id(book), None)


def _blocks(book: RenderedBook) -> Iterator[Block]:
    """Every prose block of the book in reading order (notes included: they are read too)."""
    read = _READ.get(id(book))
    if read is not None and read[0] is book:
        yield from read[1]
    else:
        yield from _read_blocks(book)


def _read_blocks(book: RenderedBook) -> Iterator[Block]:
    for chapter in book.chapters:
        try:
            section = _section(chapter)
        except etree.XMLSyntaxError:
            continue  # reported by checks.book.well_formed
        for element in section.iter(*_PROSE):
            text = _text(element)
            if text.strip():
                yield Block(chapter, element, text)


def _text(element: etree._Element) -> str:
    """The prose of a block: its text and its inline elements', not its nested blocks', its code
    nor its note numbers."""
    parts = [element.text or '']
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _NOT_PROSE and child.tag not in _BLOCKS \
                and child.get('class') != 'noteref':
            parts.append(_text(child))
        parts.append(child.tail or '')
    return ''.join(parts)


def _start(text: str, words: int = 6) -> str:
    head = ' '.join(text.split()[:words])
    return head + ('...' if len(text.split()) > words else '')


def _pattern(book: RenderedBook, pattern: re.Pattern[str], code: Code,
             message: Callable[[str], str]) -> list[Diagnostic]:
    """One finding per block where ``pattern`` matches: the first match, and how many more."""
    problems = []
    for block in _blocks(book):
        matches = list(pattern.finditer(block.text))
        if not matches:
            continue
        found = matches[0]
        line = block.text[:found.start()].rsplit('\n', 1)[-1]  # the text's line up to the match
        context = line[-24:] + block.text[found.start():].split('\n', 1)[0][:24]
        more = f' ({len(matches) - 1} more in this paragraph)' if len(matches) > 1 else ''
        problems.append(_at(book, block.chapter, code,
                            f'{message(found.group())}: "{context.strip()}"{more}', None, context))
    return problems


def _at(book: RenderedBook, chapter: Chapter, code: Code, message: str,
        needle: tuple[str, ...] | None, text: str) -> Diagnostic:
    """A diagnostic at the line of the chapter's manuscript file where ``needle`` (else the
    start of ``text``, punctuation as typed) is written."""
    sources = [s for s in book.sources if s.name == chapter.source] or list(book.sources)
    source = sources[0] if sources else None
    line = None
    for candidate in sources:
        line = _find(candidate, needle, text)
        if line is not None:
            source = candidate
            break
    path = source.path if source is not None else book.root / chapter.source
    if source is not None and line is not None and source.origins:  # an mdBook include
        index = line - source.first_line
        if 0 <= index < len(source.origins):
            path, line = source.origins[index]
    return code(message, path, line)


def _find(source: SourceFile, needle: tuple[str, ...] | None, text: str) -> int | None:
    if needle is not None:
        line = source.line_of(needle)
        if line is not None:
            return line
    typed = ' '.join(text.translate(_AS_TYPED).split())
    tries = [typed[:48], typed[:24], ' '.join(typed.split()[:3])]
    if len(typed) > 16:
        tries += [typed[-16:], typed[-10:]]
    return source.line_of(*(t for t in tries if len(t.strip()) >= 3))
