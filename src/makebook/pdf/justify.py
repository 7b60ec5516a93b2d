"""Paragraphs broken into lines as a whole before layout (:mod:`~makebook.pdf.linebreak`).

For each block of running text (a paragraph of a chapter, of a block
quotation, a list item), the words are measured with HarfBuzz in the same
font files, sizes and features WeasyPrint will use (print.css: italic for
``<em>``, small capitals for the lead-in, the code face for ``<code>``, a
footnote call's figures), the lines are chosen for the whole block, and the
print document is changed so that WeasyPrint's first-fit breaker can make no
other choice:

* a space it must not break at becomes a no-break space (which still stretches);
* a dash it must not break after gets a word joiner (U+2060) after it;
* a word breaks only where a soft hyphen says so, and only the chosen breaks
  get one (print.css sets running text ``hyphens: manual``).

So the block's hyphenation is make-book's too (:mod:`~makebook.pdf.hyphenate`:
US patterns for plain ``en``, names and a block's last word never broken,
ladders of at most two). Inline code may break between names (pdf/code.py marks each place with a
``<wbr>``): such a place is a break opportunity here too, and only the chosen ones
stay, as a zero-width space (the others are taken out). A superscript or
subscript is text at WeasyPrint's 'smaller' size; an inline formula (pdf/mathsvg.py's
SVG image) a box of its SVG's width, glued by word joiners to a word it touches.
Whatever cannot be measured here (another image, a character the faces lack, an
element print.css styles in a way not restated here) leaves the block to
WeasyPrint, unhyphenated, as does a book with its own print stylesheet; a class
that no print stylesheet names is only a name, and its text is set as the text
around it.

Two of WeasyPrint 70's ways are designed around: a text that ends with a
space before an inline element and fits the line but for that space kept only
its first word ("Now," alone on a line): pdf/patches.py mends it, so such a
space is a break like any other (and never one on a WeasyPrint the patch does
not know); and it misplaces breaks in a line holding several soft hyphens
("and ad-" alone on a justified line), so a block carries one soft hyphen per
hyphenated line and no other.

print.css's sizes, spacing and indents are restated here as numbers; tests
build real PDFs and measure the lines, so a change to one that is not made to
the other shows.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from makebook.model import XHTML_NS
from makebook.pdf import helper, hyphenate, linebreak, patches
from makebook.theme import edition_stylesheet, faces, fonts
from makebook.xhtml import remove_keeping_tail

_X = f'{{{XHTML_NS}}}'
NBSP = '\u00a0'
SOFT_HYPHEN = '\u00ad'
ZERO_WIDTH_SPACE = '\u200b'
WORD_JOINER = '\u2060'
# print.css, restated: the body size, the indent, word-spacing, the lead-in, code, note calls.
BODY_SIZE = 10.5
INDENT_EM = 1.3
WORD_SPACING_EM = -0.05
LOOSE_EM = 0.40
LEAD_IN_TRACKING_EM = 0.05
CODE_SCALE = 0.86
CALL_SCALE = 0.65 * 8.2 / BODY_SIZE  # ::footnote-call is 65% of the note's 8.2pt
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character
# What a hyphen costs against a loose line (linebreak.py squares it): enough that a paragraph is
# hyphenated only where that saves a loose line, as the benchmark's figures bear out.
HYPHEN_COST = 15000.0
# A block whose best lines are poor may close its word spaces a little further (to 70% of
# the face's space rather than 80%), as a compositor would: print.css has the class.
# (Letter-spacing would do more, but WeasyPrint 70 then misses the right edge by half a point.)
TIGHT_WORD_SPACING_EM = -0.075
TIGHT_CLASS = 'spaced-tight'
TIGHT_DEMERITS = 200_000.0
# Breaking inline code between names (after '::', '/', '.') costs as much as a hyphen: taken
# where it saves a loose line, as WeasyPrint's first-fit took it wherever code did not fit.
WBR_COST = HYPHEN_COST
_SPACE = re.compile(r'[ \t\n\r\f]+')
# Elements that change how text is set, and which face.
_ITALIC = frozenset({'em', 'i', 'cite', 'dfn', 'var'})
_BOLD = frozenset({'strong', 'b'})
_CODE = frozenset({'code', 'kbd', 'samp'})
_PLAIN = frozenset({'a', 'span', 'abbr', 'q', 'time', 'data', 'bdi', 'mark', 'u', 's', 'del', 'ins'})
# Set at WeasyPrint's 'font-size: smaller' (its stylesheet for HTML), raised or lowered: a
# superscript's width is its text's at that size (its baseline changes the line's height only).
_SMALLER = frozenset({'sup', 'sub', 'small'})
# CSS's absolute font sizes in points (WeasyPrint's table: medium 16px): 'smaller' is the
# largest of them under the parent's size, or 80% of it below the smallest.
_KEYWORD_SIZES = tuple(12.0 * factor for factor in (3 / 5, 3 / 4, 8 / 9, 1, 6 / 5, 3 / 2, 2))
# Classes this module knows how to set; any other may carry print.css rules it does not model.
_KNOWN_CLASSES = frozenset({'lead-in', 'smallcaps'})
# A dash Pango may break after, when a letter follows.
_DASHES = '-\u2013\u2014'
# Characters no face has to draw: soft hyphens, joiners, bidi marks, variation selectors.
_IGNORABLE = frozenset('\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff')


@dataclass(frozen=True, slots=True)
class Style:
    """How a run of text is set: the font file, its size, OpenType features, tracking."""

    face: str  # 'regular' | 'italic' | 'semibold' | 'bold' | 'bolditalic' | 'code' | 'code-italic'
    size: float
    small_caps: bool = False
    tracking: float = 0.0  # letter-spacing, points
    hyphenate: bool = True  # False: code, the lead-in, a no-hyphen span


class Unmeasurable(Exception):
    """The paragraph holds something this module does not measure: WeasyPrint sets it alone."""


@dataclass
class _Run:
    """Text of one slot (a node's text or tail), set in one style."""

    node: etree._Element
    slot: str
    text: str
    style: Style
    language: str | None
    extra: float = 0.0  # a box before the text: a note call, a formula
    opens: bool = False  # the text follows a <wbr>: inline code may break before it
    forced: bool = False  # the text follows a <br>: a line ends before it
    image: bool = False  # the box is an inline formula's image (an atomic inline)


@dataclass
class _Token:
    """A word as WeasyPrint sees it: the characters between two spaces, in one or more runs."""

    pieces: list[tuple[int, int, int]] = field(default_factory=list)  # (run, start, end)
    extra: float = 0.0
    cuts: list[int] = field(default_factory=list)  # pieces a <wbr> comes before
    forced: bool = False  # a <br> follows it: a line ends here
    whole: bool = False  # holds a formula: never hyphenated (its width is not where a piece's is)


class Metrics:
    """Widths of text in the book's faces, shaped by HarfBuzz (as Pango shapes them for WeasyPrint)."""

    def __init__(self) -> None:
        book = {(f.weight, f.style): f.path for f in fonts.font_files()}
        code = {(f.weight, f.style): f.path for f in faces.code_face().files}
        self._files: dict[str, tuple[Path, int | None]] = {
            'regular': (book[(400, 'normal')], None), 'italic': (book[(400, 'italic')], None),
            'semibold': (book[(600, 'normal')], None), 'bold': (book[(700, 'normal')], None),
            'bolditalic': (book[(700, 'italic')], None),
            'code': (code[(400, 'normal')], 400), 'code-italic': (code[(400, 'italic')], 400)}

    @functools.cache  # noqa: B019  # one Metrics per build; the cache is the point
    def _font(self, face: str) -> object:
        import uharfbuzz

        path, weight = self._files[face]
        font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path))))
        if weight is not None:
            font.set_variations({'wght': weight})
        return font

    @functools.cache  # noqa: B019
    def _upem(self, face: str) -> int:
        return int(self._font(face).face.upem)  # type: ignore[attr-defined]

    @functools.cache  # noqa: B019
    def word(self, text: str, style: Style, language: str | None) -> tuple[_Part, ...]:
        return _word_parts(self, text, style, language)

    @functools.cache  # noqa: B019
    def _covered(self, face: str) -> frozenset[int]:
        return faces.cmap(self._files[face][0])

    @functools.cache  # noqa: B019
    def hyphen(self, style: Style) -> float:
        """The width of the hyphen a line broken in a word of ``style`` ends with. Source Serif
        Pro's italic has no U+2010: Pango draws the upright one, from the same family."""
        face = style.face if ord(HYPHEN) in self._covered(style.face) else 'regular'
        return self.width(HYPHEN, Style(face, style.size))

    @functools.cache  # noqa: B019
    def width(self, text: str, style: Style) -> float:
        """The advance of ``text`` in points, with the style's features and tracking.

        Raises :class:`Unmeasurable` for a character the style's face lacks: it would be
        set in another face (Hebrew, Arabic, a fallback), measured here by nothing.
        """
        import uharfbuzz

        if not text:
            return 0.0
        covered = self._covered(style.face)
        if any(ord(char) not in covered for char in text if not char.isspace() and char not in _IGNORABLE):
            raise Unmeasurable(f'a character the {style.face} face lacks')
        features = {'onum': True}
        if style.small_caps:
            features['smcp'] = True
        if style.face.startswith('code'):
            features = {'kern': False, 'liga': False, 'calt': False}
        buffer = uharfbuzz.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        uharfbuzz.shape(self._font(style.face), buffer, features)
        units = sum(position.x_advance for position in buffer.glyph_positions)
        return float(units / self._upem(style.face) * style.size + style.tracking * len(text))


@dataclass(frozen=True, slots=True)
class Block:
    """A block of running text this module sets, with its print.css geometry."""

    node: etree._Element
    size: float  # the font size, points
    inset: float  # how much narrower than the text block its lines are, points
    indent: float  # the first line's indent, points


# print.css: block quotations are 9.8pt, inset 1.5em on both sides; a list's items 1.5em.
QUOTE_SIZE = 9.8
_QUOTE_INSET = 2 * 1.5 * QUOTE_SIZE
_LIST_INSET = 1.5 * BODY_SIZE


def blocks(body: etree._Element) -> Iterator[Block]:
    """The blocks of running text in chapters: paragraphs, block quotations' paragraphs and
    list items (their text, or their one paragraph), outside notes, tables and asides."""
    for section in body.iter(f'{_X}section'):
        if 'chapter' not in (section.get('class') or '').split():
            continue
        yield from _blocks_in(section, BODY_SIZE, 0.0)


def _blocks_in(container: etree._Element, size: float, inset: float) -> Iterator[Block]:
    for node in container.iterchildren(f'{_X}*'):  # elements only
        local = etree.QName(node).localname
        classes = set((node.get('class') or '').split())
        if local == 'p' and not styled(classes - {'loose'}):
            yield Block(node, size, inset, INDENT_EM * size if _indented(node) else 0.0)
        elif local == 'blockquote' and not classes and size == BODY_SIZE:
            yield from _blocks_in(node, QUOTE_SIZE, inset + _QUOTE_INSET)
        elif local in ('ul', 'ol') and not classes and size == BODY_SIZE:
            for item in node:
                if item.tag != f'{_X}li' or item.get('class'):
                    continue
                kids = [kid for kid in item if isinstance(kid.tag, str)]
                if len(kids) == 1 and kids[0].tag == f'{_X}p' and not (item.text or '').strip():
                    yield Block(kids[0], size, inset + _LIST_INSET, 0.0)  # a loose list's item
                elif not any(kid.tag in _NESTED for kid in kids):
                    yield Block(item, size, inset + _LIST_INSET, 0.0)
                else:
                    yield from _blocks_in(item, size, inset + _LIST_INSET)


_NESTED = frozenset(f'{_X}{tag}' for tag in ('ul', 'ol', 'p', 'div', 'blockquote', 'pre', 'table', 'dl'))


# Fewer blocks to decide than this: not worth a second process (a long book has thousands).
_SHARED_FROM = 300


def justify(body: etree._Element, width: float, language: str, processes: int = 1) -> None:
    """Choose the lines of every block of running text, in a text block ``width`` points wide;
    with two ``processes``, the blocks not decided yet are shared with a second one."""
    metrics = Metrics()
    _number_calls(body)
    found = list(blocks(body))
    if processes > 1:
        _decide_apart(found, width, language, metrics)
    for block in found:
        try:
            _justify_block(block, width, language, metrics)
        except Unmeasurable:
            continue


def _decide_apart(found: list[Block], width: float, language: str, metrics: Metrics) -> None:
    """Decide the blocks of ``found`` not decided yet, shared with a second process
    (:mod:`~makebook.pdf.helper`: each takes the next block from one queue): the second's
    decisions come back as the cache keeps them (:func:`recall`), and :func:`justify` applies
    them as a rebuild applies the cache's. A block decides alone: nothing another block
    decided changes its lines, so the book is the one a single process makes."""
    undecided = []  # (block, key, digest): each block serialised and hashed once here
    for block in found:
        key, digest = _key(block, width, language)
        if key not in _DECIDED and digest not in _STORED:
            undecided.append((block, key, digest))
    if len(undecided) < _SHARED_FROM:
        return
    order = helper.largest_first([len(block.node.text or '') + len(block.node) * 40
                                  for block, _, _ in undecided])

    def decide_there(position: int) -> object:
        block, key, digest = undecided[position]
        try:
            decision = _decide(block, width, key[3], metrics)
        except Unmeasurable:
            return None
        return [digest, _to_json(decision)]

    fork = helper.Helper(decide_there, order, lambda value: 0)
    try:
        # Both take the next block from one queue, the longest first. Decided, not applied:
        # justify() applies every block in turn (deciding there any the fork did not deliver).
        while (position := fork.take()) is not None:
            block, key, digest = undecided[position]
            with contextlib.suppress(Unmeasurable):
                _decision(block, width, language, metrics, (key, digest))
        made = fork.results()
    finally:
        fork.close()
    for value in made.values():
        if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
            _STORED[value[0]] = value[1]


CALL_NUMBER = 'data-call'


def _number_calls(body: etree._Element) -> None:
    """Each note's call number, as print.css counts it (from 1 in each chapter; a note's
    continuation has none), on the note as ``data-call``: the call is as wide as its digits
    ("11" is two), and the line breaker measures it."""
    for section in body.iter(f'{_X}section'):
        if 'chapter' not in (section.get('class') or '').split():
            continue
        number = 0
        for note in section.iter(f'{_X}*'):
            classes = (note.get('class') or '').split()
            if 'footnote' in classes and 'footnote-cont' not in classes:
                number += 1
                note.set(CALL_NUMBER, str(number))


def styled(classes: set[str]) -> bool:
    """True if a print stylesheet (content.css, print.css) names one of ``classes``: its rules
    may change how the text is set. A class none names is only a name (Quarto's spans, a
    book's own markers) and its text is set as the text around it."""
    names, fragments = _styled_names()
    return any(name in names or any(fragment in name for fragment in fragments) for name in classes)


@functools.cache
def _styled_names() -> tuple[frozenset[str], tuple[str, ...]]:
    """Every class the print stylesheets name ('.lead-in'), and the fragments of those they
    match by attribute ('[class*=callout]')."""
    css = re.sub(r'/\*.*?\*/', '', edition_stylesheet('print.css'), flags=re.S)
    names = frozenset(re.findall(r'\.(-?[_a-zA-Z][\w-]*)', css))
    fragments = tuple(re.findall(r'\[class[~|^$*]?=\s*[\'"]?([^\'"\]]+)', css))
    return names, fragments


def _indented(paragraph: etree._Element) -> bool:
    """print.css: ``p + p`` is indented, but not after a chapter's subtitle or label."""
    previous = next(paragraph.itersiblings(f'{_X}*', preceding=True), None)  # elements only
    if previous is None or previous.tag != f'{_X}p':
        return False
    return not {'chapter-subtitle', 'chapter-number'} & set((previous.get('class') or '').split())


# What was decided for a block, by its markup and measure: the print document is made again
# for every layout pass, mostly with the same measure, and a long book has 200,000 words.
# (tight, run -> edits, the runs after a <wbr> where a line breaks)
_Decision = tuple[bool, dict[int, list[tuple[int, int, str]]], frozenset[int]]
_DECIDED: dict[tuple[bytes, float, float, str, float], _Decision | None] = {}
_MOST_DECIDED = 100_000
# The previous build's decisions (:func:`recall`), by the digest of their key, as JSON, and
# those this build used (:func:`recalled`): the cache keeps them for the next build (issue 13),
# so an edited chapter's blocks are the only ones decided again.
_STORED: dict[str, object] = {}
_USED: dict[str, object] = {}


def recall(stored: object) -> None:
    """Start a build with the decisions a previous one kept (:func:`recalled`'s value, from the
    cache; anything else is ignored, and so is an entry that does not read back)."""
    _STORED.clear()
    _USED.clear()
    if isinstance(stored, dict):
        _STORED.update((key, value) for key, value in stored.items() if isinstance(key, str))


def recalled() -> dict[str, object]:
    """The decisions this build used since :func:`recall`, as JSON, by their key's digest."""
    return dict(_USED)


def _key(block: Block, width: float, language: str) -> tuple[tuple[bytes, float, float, str, float], str]:
    """What a block's decision depends on (its markup, measures, language, size), and its digest
    (the cache's key for it)."""
    language = hyphenate.language_of(block.node, language)
    key = (etree.tostring(block.node, with_tail=False), width - block.inset - block.indent,
           width - block.inset, language, block.size)
    return key, hashlib.sha256(key[0] + b'\0' + repr(key[1:]).encode()).hexdigest()


def _decision(block: Block, width: float, language: str, metrics: Metrics,
              keyed: tuple[tuple[bytes, float, float, str, float], str] | None = None
              ) -> tuple[_Decision | None, str]:
    """The block's decision (made now, or earlier in this build or a previous one) and its
    digest; ``keyed``: its :func:`_key`, when known."""
    key, digest = keyed or _key(block, width, language)
    if key not in _DECIDED:
        if len(_DECIDED) > _MOST_DECIDED:
            _DECIDED.clear()
        known, kept = _from_json(_STORED[digest]) if digest in _STORED else (False, None)
        _DECIDED[key] = kept if known else _decide(block, width, key[3], metrics)
    return _DECIDED[key], digest


def _justify_block(block: Block, width: float, language: str, metrics: Metrics) -> bool:
    decision, digest = _decision(block, width, language, metrics)
    language = hyphenate.language_of(block.node, language)
    _USED[digest] = _to_json(decision)
    if decision is None:
        return False
    tight, edits, wbr_breaks = decision
    if tight:
        block.node.set('class', ' '.join([*(block.node.get('class') or '').split(), TIGHT_CLASS]))
    runs = list(_runs(block.node, language, block.size, metrics))
    _edit(runs, edits)
    _settle_wbr(runs, wbr_breaks)
    return True


def _to_json(decision: _Decision | None) -> object:
    if decision is None:
        return None
    tight, edits, wbr_breaks = decision
    return [tight, [[run, [list(edit) for edit in run_edits]] for run, run_edits in sorted(edits.items())],
            sorted(wbr_breaks)]


def _from_json(value: object) -> tuple[bool, _Decision | None]:
    """(True, the decision) read back (:func:`_to_json`); (False, None) when ``value`` is not one."""
    if value is None:
        return True, None
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], bool)
            and isinstance(value[1], list) and isinstance(value[2], list) and _ints(value[2])):
        return False, None
    edits: dict[int, list[tuple[int, int, str]]] = {}
    for item in value[1]:
        if not (isinstance(item, list) and len(item) == 2 and _ints(item[:1]) and isinstance(item[1], list)):
            return False, None
        for edit in item[1]:
            if not (isinstance(edit, list) and len(edit) == 3 and _ints(edit[:2])
                    and isinstance(edit[2], str)):
                return False, None
            edits.setdefault(item[0], []).append((edit[0], edit[1], edit[2]))
    return True, (value[0], edits, frozenset(value[2]))


def _ints(values: list[object]) -> bool:
    return all(type(value) is int for value in values)


def _decide(block: Block, width: float, language: str, metrics: Metrics) -> _Decision | None:
    """The block's lines: whether its spaces close further, and the edits that make WeasyPrint
    break where they end (None: leave the block to WeasyPrint).

    A line break the author wrote (``<br>``) ends a stretch of lines as a paragraph's end
    does (its last line is not justified): each stretch is broken on its own, the first
    with the block's indent.
    """
    regular = Style('regular', block.size)
    space = metrics.width(' ', regular)
    runs = list(_runs(block.node, language, block.size, metrics))
    tokens, spaces = _tokens(runs)
    if len(tokens) < 4:
        return None
    stretches = _stretches(tokens, spaces, runs, metrics, block.size)
    best: tuple[float, float, list[list[int]]] | None = None  # (cost, spacing, breaks per stretch)
    for spacing in (WORD_SPACING_EM, TIGHT_WORD_SPACING_EM):
        solutions = [linebreak.solve(items, _measure(block, width, space, spacing, first=number == 0))
                     for number, (_, items, _) in enumerate(stretches)]
        if any(solution is None for solution in solutions):
            continue
        demerits = [solution.demerits for solution in solutions if solution is not None]
        cost = sum(demerits) + (TIGHT_DEMERITS if spacing != WORD_SPACING_EM else 0.0)
        if best is None or cost < best[0]:
            best = (cost, spacing, [solution.breaks for solution in solutions if solution is not None])
        if max(demerits) < TIGHT_DEMERITS:
            break  # good enough with the usual spaces
    if best is None:
        return None
    _, spacing, all_breaks = best
    edits: dict[int, list[tuple[int, int, str]]] = {}  # run -> (start, end, replacement)
    wbr_breaks: set[int] = set()
    for number, ((first, items, owners), breaks) in enumerate(zip(stretches, all_breaks, strict=True)):
        measure = _measure(block, width, space, spacing, first=number == 0)
        where = _places(items)
        for index in linebreak.forbidden(items, breaks, measure):
            if isinstance(items[index], linebreak.Space):
                _no_break_space(edits, spaces[first + owners[index]])
            else:
                run_index, offset, kind = where[index]
                if kind == 'dash':  # a word joiner after a dash (or before an em dash) it may not break at
                    edits.setdefault(run_index, []).append((offset, offset, WORD_JOINER))
        for index in breaks:
            if index < len(items) and isinstance(items[index], linebreak.Break):
                run_index, offset, kind = where[index]
                if kind == 'hyphen':
                    edits.setdefault(run_index, []).append((offset, offset, SOFT_HYPHEN))
                elif kind == 'wbr':
                    wbr_breaks.add(run_index)
    _glue_formulas(runs, edits)
    _glue_dashes_of_whole_words(tokens, runs, edits)
    return spacing != WORD_SPACING_EM, edits, frozenset(wbr_breaks)


def _glue_dashes_of_whole_words(tokens: list[_Token], runs: list[_Run],
                                edits: dict[int, list[tuple[int, int, str]]]) -> None:
    """A word joiner at each dash of a word the line breaker measured whole (a stretch's last
    word, a word across runs, one holding a formula): WeasyPrint could still break there, where
    no line was chosen to end ("…not a bash built- / in." in the Bash book)."""
    for number, token in enumerate(tokens):
        last = token.forced or number == len(tokens) - 1
        if not token.pieces or not (last or len(token.pieces) != 1 or token.whole):
            continue  # (a note call or a formula alone has no text)
        end = token.pieces[-1]
        for run_index, start, stop in token.pieces:
            text = runs[run_index].text
            if runs[run_index].style.face.startswith('code'):
                continue
            for offset in range(start, stop):
                if text[offset] not in _DASHES or (run_index, offset + 1) == end[::2]:
                    continue  # the word's own last character: nothing follows it
                if text[offset] == '\u2014' and offset > start:
                    edits.setdefault(run_index, []).append((offset, offset, WORD_JOINER))
                edits.setdefault(run_index, []).append((offset + 1, offset + 1, WORD_JOINER))


def _glue_formulas(runs: list[_Run], edits: dict[int, list[tuple[int, int, str]]]) -> None:
    """A word joiner between a formula and a word it touches ("$n$th", "of$x$"): WeasyPrint may
    break on either side of an image as beside an ideograph, and the line breaker measured the
    two as one word."""
    for index, run in enumerate(runs):
        if not run.image:
            continue
        if run.text[:1].strip():
            edits.setdefault(index, []).append((0, 0, WORD_JOINER))
        before = next((number for number in range(index - 1, -1, -1) if runs[number].text), None)
        if before is not None and runs[before].text[-1:].strip():
            end = len(runs[before].text)
            edits.setdefault(before, []).append((end, end, WORD_JOINER))


def _measure(block: Block, width: float, space: float, spacing: float, first: bool) -> linebreak.Measure:
    return linebreak.Measure(first=width - block.inset - (block.indent if first else 0.0),
                             rest=width - block.inset, space=space, least=space + spacing * block.size,
                             loose=LOOSE_EM * block.size)


# A stretch of a block between line breaks the author wrote: (its first token, its items, and
# the token each item belongs to, counted from that first token).
_Stretch = tuple[int, list[linebreak.Item], list[int]]


def _stretches(tokens: list[_Token], spaces: list[_Gap], runs: list[_Run], metrics: Metrics,
               size: float) -> list[_Stretch]:
    """The block's tokens cut after each one a ``<br>`` follows, as line-breaking items."""
    stretches: list[_Stretch] = []
    first = 0
    for number, token in enumerate(tokens):
        if token.forced or number == len(tokens) - 1:
            items, owners = _items(tokens[first:number + 1], spaces[first:number], runs, metrics, size)
            stretches.append((first, items, owners))
            first = number + 1
    return stretches


def _runs(paragraph: etree._Element, language: str, size: float, metrics: Metrics,
          base: Style | None = None) -> Iterator[_Run]:
    """The block's text in reading order, each slot with its style (notes skipped); ``base``
    is the block's own style (the regular face at ``size`` unless given)."""
    base = base or Style('regular', size)

    def walk(node: etree._Element, style: Style, lang: str) -> Iterator[_Run]:
        yield _Run(node, 'text', node.text or '', style, lang)
        for kid in node:
            if not isinstance(kid.tag, str):
                raise Unmeasurable('a comment or processing instruction')
            classes = (kid.get('class') or '').split()
            if 'footnote' in classes:
                call = '' if 'footnote-cont' in classes else kid.get(CALL_NUMBER, '0')
                yield _Run(kid, 'tail', kid.tail or '', style, lang,
                           extra=metrics.width(call, Style('regular', BODY_SIZE * CALL_SCALE)))
                continue
            if etree.QName(kid).localname in ('wbr', 'br') and not len(kid):
                wbr = etree.QName(kid).localname == 'wbr'
                yield _Run(kid, 'tail', kid.tail or '', style, lang, opens=wbr, forced=not wbr)
                continue
            if etree.QName(kid).localname == 'img':
                yield _Run(kid, 'tail', kid.tail or '', style, lang, extra=_formula_width(kid), image=True)
                continue
            if etree.QName(kid).localname in ('svg', 'math'):
                raise Unmeasurable(f'<{etree.QName(kid).localname}>')
            kid_style = _style_of(kid, style)
            kid_lang = kid.get('lang') or lang
            yield from walk(kid, kid_style, kid_lang)
            yield _Run(kid, 'tail', kid.tail or '', style, lang)
    yield from walk(paragraph, base, language)


def _style_of(node: etree._Element, parent: Style) -> Style:
    local = etree.QName(node).localname
    classes = set((node.get('class') or '').split())
    if local in _ITALIC:
        face = {'regular': 'italic', 'italic': 'italic', 'bold': 'bolditalic', 'semibold': 'bolditalic',
                'bolditalic': 'bolditalic', 'code': 'code-italic', 'code-italic': 'code-italic'}[parent.face]
        return Style(face, parent.size, parent.small_caps, parent.tracking, parent.hyphenate)
    if local in _BOLD:
        face = 'bolditalic' if 'italic' in parent.face else 'bold'
        if parent.face.startswith('code'):
            raise Unmeasurable('bold code')
        return Style(face, parent.size, parent.small_caps, parent.tracking, parent.hyphenate)
    if local in _CODE:
        face = 'code-italic' if 'italic' in parent.face else 'code'
        return Style(face, parent.size * CODE_SCALE, False, 0.0, False)
    if local in _SMALLER and not styled(classes):
        return Style(parent.face, smaller(parent.size), parent.small_caps, parent.tracking, False)
    if local not in _PLAIN:
        raise Unmeasurable(f'<{local}>')
    if styled(classes - _KNOWN_CLASSES):
        raise Unmeasurable(f'an element of class {" ".join(sorted(classes))}')
    if 'lead-in' in classes:
        return Style(parent.face, parent.size, True, LEAD_IN_TRACKING_EM * parent.size, False)
    if 'smallcaps' in classes:
        return Style(parent.face, parent.size, True, parent.tracking, parent.hyphenate)
    if local == 'a' and (node.get('href') or '').startswith('http'):  # print.css: hyphens: none
        return Style(parent.face, parent.size, parent.small_caps, parent.tracking, False)
    return parent


def smaller(size: float) -> float:
    """The size 'font-size: smaller' gives inside text of ``size`` points, as WeasyPrint 70 computes
    it (css/computed_values.py: the next keyword size down, else 80%)."""
    below = [keyword for keyword in _KEYWORD_SIZES if keyword < size]
    return below[-1] if below else size * 0.8


_SVG_DATA = 'data:image/svg+xml;base64,'


def _formula_width(image: etree._Element) -> float:
    """An inline formula's width in points, from its SVG (pdf/mathsvg.py draws each formula as an
    ``<img>`` of a ``data:`` SVG whose width is in CSS pixels). Any other image is unmeasurable
    here: its size depends on its file, its resolution and print.css's limits."""
    import base64
    import binascii

    source = image.get('src') or ''
    if 'math' not in (image.get('class') or '').split() or 'display' in (image.get('class') or '') \
            or not source.startswith(_SVG_DATA) or image.get('width') or image.get('style'):
        raise Unmeasurable('<img>')
    try:
        svg = etree.fromstring(base64.b64decode(source[len(_SVG_DATA):]))
        width = float(svg.get('width') or '')
    except (ValueError, binascii.Error, etree.XMLSyntaxError):
        raise Unmeasurable('<img> of a formula without a width') from None
    return width * 0.75  # CSS px to points


# A space: (run, start, end) of each whitespace stretch it is made of (one, or more across runs).
_Gap = list[tuple[int, int, int]]


def _tokens(runs: list[_Run]) -> tuple[list[_Token], list[_Gap]]:
    """Words and the spaces between them (``spaces[i]`` follows ``tokens[i]``).

    A word may run over several runs ("word<em>s</em>"); a note call glues to
    the word before it, as it is printed.
    """
    tokens: list[_Token] = []
    spaces: list[_Gap] = []
    gap: _Gap = []
    current: _Token | None = None

    def open_token() -> _Token:
        nonlocal current, gap
        if current is None:
            if tokens:
                spaces.append(gap)
            gap = []
            current = _Token()
        return current

    for index, run in enumerate(runs):
        if run.forced and (current is not None or tokens):
            if current is not None:  # the word before the <br> ends there
                tokens.append(current)
                current = None
            tokens[-1].forced = True
        if run.extra:
            open_token().extra += run.extra
        if run.image:
            open_token().whole = True
        position = 0
        # A <wbr> inside a word (not beside a space) is a place the word may break.
        if run.opens and current is not None and run.text[:1].strip():
            current.cuts.append(len(current.pieces))  # this run's first piece is the token's next
        for match in _SPACE.finditer(run.text):
            if match.start() > position:
                open_token().pieces.append((index, position, match.start()))
            if current is not None:
                tokens.append(current)
                current = None
            if tokens:
                gap.append((index, match.start(), match.end()))
            position = match.end()
        if position < len(run.text):
            open_token().pieces.append((index, position, len(run.text)))
    if current is not None:
        tokens.append(current)
    return tokens, spaces


# Where an item is in the text: (run, offset, 'hyphen' | 'dash' | 'space' | 'box').
_Place = tuple[int, int, str]


def _items(tokens: list[_Token], spaces: list[_Gap], runs: list[_Run], metrics: Metrics,
           size: float) -> tuple[list[linebreak.Item], list[int]]:
    """The block as line-breaking items, and the token each item belongs to (a space belongs to
    the word before it)."""
    items: list[linebreak.Item] = []
    owners: list[int] = []
    last = len(tokens) - 1
    plain = metrics.width(' ', Style('regular', size))
    for number, token in enumerate(tokens):
        for item in _word_items(token, runs, metrics, breakable=number != last):
            items.append(item)
            owners.append(number)
        if number < last:
            gap = spaces[number]
            style = runs[gap[0][0]].style
            # A space in code, or tracked, is wider: inside a line only (it goes at a break,
            # where "in versions <" fits though "in versions < " does not).
            wider = metrics.width(' ', style) + style.tracking - plain
            nbsp = any(NBSP in runs[r].text[s:e] for r, s, e in gap)
            items.append(linebreak.Space(breakable=not nbsp and not _before_element(gap, runs),
                                         extra=wider if abs(wider) > 0.01 else 0.0))
            owners.append(number)
    return items, owners


def _before_element(gap: _Gap, runs: list[_Run]) -> bool:
    """True for a space that ends a text just before an inline element begins, where WeasyPrint
    cannot break: a text that fits but for that last space kept only its first word ("Now,"
    alone on a line). pdf/patches.py mends that; a WeasyPrint it does not know is not mended."""
    if patches.last_space_hangs():
        return False
    run_index, _, end = gap[-1]
    run = runs[run_index]
    following = runs[run_index + 1] if run_index + 1 < len(runs) else None
    return end == len(run.text) and following is not None and following.slot == 'text'


def _word_items(token: _Token, runs: list[_Run], metrics: Metrics, breakable: bool) -> list[linebreak.Item]:
    """A word's boxes, with its hyphenation points and the breaks at its dashes.

    A word in several runs, a name and a block's last word are one box: they are
    never hyphenated (a dash inside them stays breakable to WeasyPrint, as it
    is to a reader's eye).
    """
    if token.cuts and breakable and not token.whole:
        return _cut_items(token, runs, metrics)
    if len(token.pieces) != 1 or not breakable or token.whole:
        widths = sum(metrics.width(runs[r].text[s:e], runs[r].style) for r, s, e in token.pieces)
        return [linebreak.Box(widths + token.extra)]
    run_index, start, end = token.pieces[0]
    run = runs[run_index]
    items: list[linebreak.Item] = []
    for part in metrics.word(run.text[start:end], run.style, run.language):
        if isinstance(part, linebreak.Box):
            items.append(part)
        else:
            drawn, is_hyphen, cost, offset, kind = part
            items.append(_Cut(drawn, is_hyphen, cost, run_index, start + offset, kind))
    if token.extra:
        items[-1] = linebreak.Box(_box_width(items[-1]) + token.extra)
    return items


def _cut_items(token: _Token, runs: list[_Run], metrics: Metrics) -> list[linebreak.Item]:
    """A word of inline code as its pieces between <wbr>s, each a place it may break."""
    items: list[linebreak.Item] = []
    bounds = [0, *token.cuts, len(token.pieces)]
    for start, end in itertools.pairwise(bounds):
        if start:
            items.append(_Cut(0.0, False, WBR_COST, token.pieces[start][0], 0, 'wbr'))
        drawn = sum(metrics.width(runs[r].text[s:e], runs[r].style) for r, s, e in token.pieces[start:end])
        items.append(linebreak.Box(drawn))
    items[-1] = linebreak.Box(_box_width(items[-1]) + token.extra)
    return items


def _box_width(item: linebreak.Item) -> float:
    return item.width if isinstance(item, linebreak.Box) else 0.0


# A break inside a word, before it is placed: (width drawn, hyphen?, cost, offset, kind).
_Part = linebreak.Box | tuple[float, bool, float, int, str]


def _word_parts(metrics: Metrics, text: str, style: Style, language: str | None) -> tuple[_Part, ...]:
    """A word (one run's text) as boxes and the breaks between them, wherever it stands."""
    cuts: dict[int, tuple[float, bool, float]] = {}  # offset -> (width drawn, hyphen?, cost)
    if style.hyphenate and not any(hyphenate.protected(m.group()) for m in hyphenate.WORD.finditer(text)):
        patterns = hyphenate.pattern_language(language)
        hyphen = metrics.hyphen(style)
        for match in hyphenate.WORD.finditer(text) if patterns else ():
            for offset in hyphenate.points(match.group(), patterns or ''):
                cuts[match.start() + offset] = (hyphen, True, HYPHEN_COST)
    if not style.face.startswith('code'):
        for index, char in enumerate(text[:-1]):
            if char in _DASHES and index > 0 and text[index + 1].isalpha():
                cuts[index + 1] = (0.0, char == '-', HYPHEN_COST if char == '-' else 0.0)
    # Each piece is the difference of two prefixes' widths, so the pieces add up to the word shaped
    # whole: measured apart, "dif" + "fer" + "ent" lost the "ff" ligature and were 0.7pt wider than
    # "different", enough for WeasyPrint's first-fit to reach a break the line breaker thought
    # out of reach (and break there instead of at the chosen hyphen).
    parts: list[_Part] = []
    previous = 0.0
    for offset in sorted(cuts):
        prefix = metrics.width(text[:offset], style)
        parts.append(linebreak.Box(prefix - previous))
        drawn, is_hyphen, cost = cuts[offset]
        parts.append((drawn, is_hyphen, cost, offset, 'dash' if text[offset - 1] in _DASHES else 'hyphen'))
        previous = prefix
    parts.append(linebreak.Box(metrics.width(text, style) - previous))
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class _Cut(linebreak.Break):
    """A break inside a word, with where it is in the text."""

    run: int = 0
    offset: int = 0
    kind: str = 'hyphen'  # 'hyphen': a soft hyphen makes it; 'dash': after a dash, always there;
    # 'wbr': before the run that follows a <wbr> (kept, as a zero-width space, only if chosen)


def _places(items: list[linebreak.Item]) -> dict[int, _Place]:
    return {index: (item.run, item.offset, item.kind) for index, item in enumerate(items)
            if isinstance(item, _Cut)}


def _no_break_space(edits: dict[int, list[tuple[int, int, str]]], gap: _Gap) -> None:
    """The space becomes one no-break space, however many runs its white space crosses."""
    first, *rest = gap
    edits.setdefault(first[0], []).append((first[1], first[2], NBSP))
    for run_index, start, end in rest:
        edits.setdefault(run_index, []).append((start, end, ''))


def _settle_wbr(runs: list[_Run], chosen: frozenset[int]) -> None:
    """Each <wbr> of the block taken out; where a line breaks at one, a zero-width space left in
    its place (WeasyPrint's first-fit breaks there, and nowhere else in the word)."""
    for index in reversed(range(len(runs))):
        run = runs[index]
        if not run.opens:
            continue
        remove_keeping_tail(run.node, (ZERO_WIDTH_SPACE if index in chosen else '') + (run.node.tail or ''))


def _edit(runs: list[_Run], edits: dict[int, list[tuple[int, int, str]]]) -> None:
    """Replace each (start, end) of a run's text, from the end back so offsets stay true."""
    for run_index, changes in edits.items():
        run = runs[run_index]
        text = run.text
        for start, end, replacement in sorted(changes, reverse=True):
            text = text[:start] + replacement + text[end:]
        setattr(run.node, run.slot, text)
