"""Four WeasyPrint 70 bugs make-book cannot design around, mended where they lie, and two slow paths.

**A footnote that fits is moved to the next page.** When a note is added to a
page, WeasyPrint lays the footnote area out again and asks whether its last
note's bottom is below the area's bottom; both are sums of the same lengths in
a different order, so floating-point noise (a 10.66pt line is 14.2133… px) can
make a one-line note "overflow" its own area by 1e-14 px. The note is then
reported to the next page and its call stays behind: "Ibid., p. 254." failed
the build while its page had room. The comparison is made again here with a
hundredth of a pixel to spare; everything else is WeasyPrint's own code.

**A note moved to make room for a paragraph that then does not come.** When a
paragraph's first line fits at a page's foot and its second does not, orphans
forbid breaking after one line, so WeasyPrint moves the page's notes to the
next page, last first, to make room for the second (WeasyPrint #2432, #2437).
If even that is not room enough, the paragraph goes to the next page whole, but
the notes stay moved: the page ends short, with the call of a note whose body
is overleaf (the Quarto history book's ``fn-1-4``, under a chapter opener). A
block laid out to nothing here gives its page back the notes that page held
before it: the page is then exactly as it was before the block was tried.

**A line that fits but for its last space keeps only its first word.** When a
text ends with a space (the text before an inline element: "it will be
<code>…</code>") and the text fits the line but for that space, Pango puts it
all on one line (a line's last space hangs) while WeasyPrint measures it with
the space, finds it too wide, and then keeps only the text's first word: "Now,"
alone on a justified line, or a paragraph's last word alone after it. Such a
text fits (CSS removes a line's last collapsible space): it is set whole here,
and WeasyPrint breaks before the element, where the line breaker chose
(:mod:`~makebook.pdf.justify`). A text ending in a no-break space (glued to the
element after it) is broken where it fits with that space, as Pango breaks any
other text: WeasyPrint kept only its first word there too ("and" alone).

**A variable font instanced per piece by fontTools, in Python.** WeasyPrint 70 subsets a
variable font (Source Code Pro, Frank Ruhl Libre) with HarfBuzz, then makes the subset static
with fontTools' instancer, glyph by glyph in Python, every glyph id up to the last one used
(the ids are kept, so most are empty): 17 ms a font, in every piece that sets code, 317 times
(6.8 CPU s) in the Rust book. HarfBuzz makes the same static subset itself in one call (its
instancer pins each axis where WeasyPrint's would: the weight, the optical size, slant and
italic from the style): the same glyph outlines and advance widths, a thirtieth of the time
(:func:`variable_fonts_instanced_by_harfbuzz`; a CFF2 font, or a setting that names no axis of
the font, is left to WeasyPrint).

**A leader drawn dot by dot.** WeasyPrint 70 makes each dot of a leader (the contents'
``leader('.')``) a text box of its own, and draws each as a text: forty texts a line of the
contents, half the time its pages take to lay out and draw (0.3 of 0.65 CPU s for the benchmark
novel's 120 chapters). The dots stand side by side, each exactly one dot wide, so one text of
them all, where the first stands, sets the same glyphs in the same places (to a few hundredths
of a point: the text's glyphs advance by the font's widths, in thousandths of an em; the
benchmark novel's contents pages are the same pixels at 110 dpi) (:func:`leaders_set_whole`;
a leader whose text repeated is not exactly that wide, kerned or spaced, keeps its dots
apart). A PDF's text may then read "Title 4.... 23" where it read "Title 4 .... 23":
pdftotext puts a space before a leader by where its dots stand, one word each, or not.

:func:`apply` is called once, before the first layout (engine.py); it refuses
to touch a WeasyPrint whose functions are not the ones this was written
against, so an upgrade that changes them is noticed (the tests lay out real
notes, and ``tests/unit/pdf/test_patches.py`` the notes bugs' smallest pages;
``tests/unit/pdf/test_typesetting.py`` the line's).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import itertools
from collections.abc import Callable, Iterable
from math import inf
from typing import Any

# A hundredth of a CSS pixel: far below anything visible, far above float noise.
_TOLERANCE = 0.01
# The source of WeasyPrint 70's LayoutContext._update_footnote_area, hashed.
_KNOWN = {'2e317e4b066fb80c'}
# The source of WeasyPrint 70's layout.block._linebox_layout (where the notes are moved), hashed.
_KNOWN_LINES = {'e07bbe000974787e'}
# The source of WeasyPrint 70's text.line_break.split_first_line, hashed.
_KNOWN_SPLIT = {'39ad1016863ca34d'}
# The source of WeasyPrint 70's text.line_break.Layout.setup, hashed.
_KNOWN_SETUP = {'fb227a55094f41d4'}
# The sources of WeasyPrint 70's pdf.fonts.Font.clean and Font._harfbuzz_subset, hashed.
_KNOWN_CLEAN = {('794f0211f18453f1', 'f80805663ede8080')}
# The source of WeasyPrint 70's layout.leader.handle_leader, hashed.
_KNOWN_LEADER = {'e4bf5941eb946d0b'}
# The tables WeasyPrint's subset drops (Font._harfbuzz_subset).
_DROPPED_TABLES = ('BASE', 'DSIG', 'EBDT', 'EBLC', 'EBSC', 'GPOS', 'GSUB', 'JSTF', 'LTSH', 'PCLT', 'SVG ')


@functools.cache
def apply() -> bool:
    """Mend the four bugs; False if WeasyPrint's code is not the known one (that bug left alone)."""
    from weasyprint.layout import LayoutContext, block

    mended = last_space_hangs()
    mended = features_freed() and mended
    mended = variable_fonts_instanced_by_harfbuzz() and mended
    mended = leaders_set_whole() and mended
    if _digest(LayoutContext._update_footnote_area) in _KNOWN:
        LayoutContext._update_footnote_area = _update_footnote_area
    else:
        mended = False
    if _digest(block._linebox_layout) in _KNOWN_LINES:
        # Looked up by name where blocks are laid out in a block (block.py's _in_flow_layout).
        block.block_level_layout = _giving_notes_back(block.block_level_layout)
    else:
        mended = False
    return mended


@functools.cache
def last_space_hangs() -> bool:
    """Mend WeasyPrint's line layout so a text that fits but for its last space is set whole;
    False (nothing changed) if its ``split_first_line`` is not the known one. The line breaker
    breaks before an inline element only when this holds."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    original = line_break.split_first_line
    if inline.split_first_line is not original or _digest(original) not in _KNOWN_SPLIT:
        return False

    def split_first_line(text: str, style: Any, context: Any, max_width: float | None,
                         justification_spacing: float, is_line_start: bool = True,
                         minimum: bool = False) -> Any:
        def split(text: str, width: float | None) -> Any:
            return original(text, style, context, width, justification_spacing, is_line_start, minimum)

        result = split(text, max_width)
        if max_width is None or not _maybe_the_bug(result[2], text, style, max_width):
            return result
        words = text.rstrip(_LAST_SPACES)
        # A collapsible space hangs; a no-break space is part of the line and must fit too.
        room = max_width - (split(text, inf)[3] - split(words, inf)[3] if text.endswith(NBSP) else 0.0)
        fitted = split(words, room)
        if fitted[2] is None and fitted[3] <= room:
            return split(text, inf)  # all of it fits
        if fitted[2] is not None and fitted[2] > result[2]:
            return fitted  # broken where Pango would break it: the same text up to there
        return result

    inline.split_first_line = split_first_line
    return True


NBSP = '\u00a0'
_LAST_SPACES = ' ' + NBSP


@functools.cache
def features_freed() -> bool:
    """Make each layout's font features its own, released with the layout; False (nothing
    changed) if WeasyPrint's ``Layout.setup`` is not the known one."""
    from weasyprint.text import line_break

    if _digest(line_break.Layout.setup) not in _KNOWN_SETUP:
        return False
    line_break.pango = _OwnFeatures(line_break.pango)  # the module's Pango, as its layouts call it
    return True


@functools.cache
def leaders_set_whole() -> bool:
    """Set each leader's dots as one text; False (nothing changed) if WeasyPrint's
    ``handle_leader`` is not the known one."""
    from weasyprint.layout import inline, leader

    original = leader.handle_leader
    if inline.handle_leader is not original or _digest(original) not in _KNOWN_LEADER:
        return False

    @functools.wraps(original)  # its __wrapped__: WeasyPrint's own (the tests compare the two)
    def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
        original(context, line, containing_block)
        _, box = leader.leader_index(line)
        if box is not None and len(box.children) > 1:
            box.children = _one_text(context, box.children)

    inline.handle_leader = handle_leader  # looked up by name where lines are laid out
    return True


def _one_text(context: Any, dots: tuple[Any, ...]) -> tuple[Any, ...]:
    """The dots of a leader (copies of one text, side by side) as one text box where the first
    stands, if the text repeated is exactly as wide as they are (no kerning or spacing between
    them); else the dots as they were."""
    from weasyprint.text import line_break

    ordered = sorted(dots, key=lambda dot: dot.position_x)
    first = ordered[0]
    step = first.width
    if any(dot.text != first.text for dot in ordered) or any(
            abs(later.position_x - earlier.position_x - step) > _TOLERANCE
            for earlier, later in itertools.pairwise(ordered)):
        return dots
    text = first.text * len(ordered)
    layout = line_break.create_layout(text, first.style, context, None, first.justification_spacing)
    line, resumes = layout.get_first_line()
    width, _ = line_break.line_size(line, first.style)
    layout.deactivate()  # as WeasyPrint leaves a box's layout: made again to be drawn
    if resumes is not None or abs(width - step * len(ordered)) > _TOLERANCE:
        return dots
    whole = first.copy_with_text(text)
    whole.pango_layout = layout
    whole.width = width
    return (whole,)


@functools.cache
def variable_fonts_instanced_by_harfbuzz() -> bool:
    """Make a variable font's subset static with HarfBuzz; False (nothing changed) if
    WeasyPrint's ``Font.clean`` is not the known one."""
    from weasyprint.pdf import fonts

    original = fonts.Font.clean
    if (_digest(original), _digest(fonts.Font._harfbuzz_subset)) not in _KNOWN_CLEAN:
        return False

    @functools.wraps(original)  # its __wrapped__: WeasyPrint's own (the tests compare the two)
    def clean(self: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        static = _static_subset(self, to_unicode, hinting)
        if static is None:
            original(self, to_unicode, hinting)
        else:
            self.file_content = static

    fonts.Font.clean = clean
    return True


def _static_subset(font: Any, to_unicode: dict[int, str], hinting: bool) -> bytes | None:
    """The static subset of a variable TrueType font WeasyPrint's ``Font.clean`` makes (its glyph
    ids kept, those after the last one used dropped), made by HarfBuzz; None for any other
    font, or if HarfBuzz cannot (WeasyPrint then makes it its own way)."""
    tables = set(font.tables)
    if (not to_unicode or 'fvar' not in tables or 'glyf' not in tables or 'CFF2' in tables
            or font.png or font.svg or font.colr):
        return None
    import uharfbuzz

    try:
        face = uharfbuzz.Face(uharfbuzz.Blob(font.file_content), font.index)
        axes = {axis.tag: axis for axis in face.axis_infos}
        location = _instance_location(font, axes)
        if location is None:
            return None
        used = sorted(to_unicode)
        # As WeasyPrint: the glyphs used, their ids kept (the page's text names them so) ...
        first = _subset_input(used, uharfbuzz.SubsetFlags.RETAIN_GIDS, font.missing)
        for tag, value in location.items():
            first.pin_axis_location(face, tag, value)
        kept = uharfbuzz.subset(face, first)
        # ... then the empty ones after the last used dropped (and the hinting, if not wanted).
        second = _subset_input(range(max(used) + 1), uharfbuzz.SubsetFlags.NO_HINTING if not hinting else 0,
                               font.missing)
        data: bytes = uharfbuzz.subset(kept, second).blob.data
    except Exception:  # any failure: WeasyPrint's own way, which warns
        return None
    if not data:
        return None
    font.variations.update(location)  # as WeasyPrint's clean leaves them
    return data


def _instance_location(font: Any, axes: dict[str, Any]) -> dict[str, float] | None:
    """Where WeasyPrint 70's ``Font.clean`` pins each axis of the font (fontTools pins an axis it
    is not told to its default); None if a setting names an axis the font lacks."""
    location = dict(font.variations)
    if not location.keys() <= axes.keys():
        return None  # fontTools would refuse it: left to WeasyPrint, which warns
    if 'wght' in axes and 'wght' not in location:
        location['wght'] = font.weight
    if 'opsz' in axes and 'opsz' not in location:
        location['opsz'] = font.font_size
    if 'slnt' in axes and 'slnt' not in location:
        slant = axes['slnt']  # oblique: the slant away from 0 the axis has
        location['slnt'] = 0 if font.style != 1 else (slant.min_value if slant.max_value == 0
                                                      else slant.max_value)
    if 'ital' in axes and 'ital' not in location:
        location['ital'] = int(font.style == 2)
    for tag, axis in axes.items():
        location.setdefault(tag, axis.default_value)
    return {tag: float(value) for tag, value in location.items()}


def _subset_input(glyphs: Iterable[int], flags: int, missing: dict[int, int]) -> Any:
    """A HarfBuzz subset input with WeasyPrint's tables dropped and flags set."""
    import uharfbuzz

    given = uharfbuzz.SubsetInput()
    for glyph in glyphs:
        given.glyph_set.add(glyph)
    wanted = uharfbuzz.SubsetFlags
    given.flags = (flags | wanted.PASSTHROUGH_UNRECOGNIZED | wanted.DESUBROUTINIZE
                   | (wanted.NOTDEF_OUTLINE if missing else 0))
    for tag in _DROPPED_TABLES:
        given.drop_table_tag_set.add(int.from_bytes(tag.encode('ascii'), 'big'))
    return given


class _Features:
    """The font features a layout's setup asked Pango for: made into an attribute only as it is
    put in the layout's list (which then owns it)."""

    __slots__ = ('features',)

    def __init__(self, features: bytes) -> None:
        self.features = features


class _OwnFeatures:
    """WeasyPrint's Pango functions as ``line_break`` calls them, but for the three that
    ``Layout.setup`` uses for the font features, in this order: the attribute made
    (:class:`_Features` instead: the dictionary WeasyPrint keeps them in holds that), the list
    made and the attribute put in it (a new Pango attribute, the list's own), the list given to
    the layout (which takes a reference: ours, the one WeasyPrint never dropped, is dropped)."""

    def __init__(self, pango: Any) -> None:
        self._pango = pango
        self._given: Any = None  # the list the features were just put in

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._pango, name)
        setattr(self, name, value)  # looked up once: the others are called as WeasyPrint's
        return value

    def pango_attr_font_features_new(self, features: bytes) -> _Features:
        return _Features(features)

    def pango_attr_list_insert(self, attributes: Any, attribute: Any) -> None:
        if isinstance(attribute, _Features):
            self._given = attributes
            attribute = self._pango.pango_attr_font_features_new(attribute.features)
        self._pango.pango_attr_list_insert(attributes, attribute)

    def pango_layout_set_attributes(self, layout: Any, attributes: Any) -> None:
        self._pango.pango_layout_set_attributes(layout, attributes)
        if attributes is self._given and attributes is not None:
            self._given = None
            self._pango.pango_attr_list_unref(attributes)


def _maybe_the_bug(resume: int | None, text: str, style: Any, max_width: float) -> bool:
    """Whether WeasyPrint's line may be the bug's: a text ending in a space, broken after its
    first word (the bug keeps exactly that), in a line of finite width. The caller then tries
    the text without its last spaces."""
    if resume is None or max_width == inf or not text.endswith(tuple(_LAST_SPACES)):
        return False
    if style['white_space'] not in ('normal', 'pre-line'):
        return False
    return ' ' not in text.encode()[:resume].decode().strip(' ')


def _digest(function: Callable[..., Any]) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def _update_footnote_area(self: Any) -> bool:
    """WeasyPrint 70's ``LayoutContext._update_footnote_area``, with a tolerance in its last test."""
    from weasyprint.formatting_structure import build
    from weasyprint.layout.block import block_level_layout

    if self.current_footnote_area.height != 'auto' and not self.in_column:
        self.page_bottom += self.current_footnote_area.margin_height()
    self.current_footnote_area.children = self.current_page_footnotes
    if self.current_footnote_area.children:
        footnote_area = build.create_anonymous_boxes(self.current_footnote_area.deepcopy())
        footnote_area = block_level_layout(
            self, footnote_area, -float('inf'), None, self.current_footnote_area.page)[0]
        self.current_footnote_area.height = footnote_area.height
        if not self.in_column:
            self.page_bottom -= footnote_area.margin_height()
        last_child = footnote_area.children[-1]
        last_child_bottom = (
            last_child.position_y + last_child.margin_height() - last_child.margin_bottom)
        footnote_area_bottom = (
            footnote_area.position_y + footnote_area.margin_height() - footnote_area.margin_bottom)
        return bool(last_child_bottom > footnote_area_bottom + _TOLERANCE)
    self.current_footnote_area.height = 0
    if not self.in_column:
        self.page_bottom -= self.current_footnote_area.margin_height()
    return False


def _giving_notes_back(layout: Callable[..., Any]) -> Callable[..., Any]:
    """WeasyPrint's ``block_level_layout``: a box it lays out to nothing (it goes to the next
    page whole) gives back the notes its lines moved off the page."""
    @functools.wraps(layout)
    def block_level_layout(context: Any, box: Any, *args: Any, **kwargs: Any) -> Any:
        held = list(context.current_page_footnotes)
        result = layout(context, box, *args, **kwargs)
        if result[0] is None:
            _give_back(context, held)
        return result
    return block_level_layout


def _give_back(context: Any, held: list[Any]) -> None:
    """Put the notes of ``held`` (the page's, in their order) that were moved to the next page
    back on this one, and the page's foot where it was with them."""
    moved = [note for note in held if note in context.reported_footnotes]
    if not moved:
        return
    for note in moved:
        context.reported_footnotes.remove(note)
    # WeasyPrint's own list: the footnote area's children are this very list.
    page_notes = context.current_page_footnotes
    page_notes[:] = [note for note in held if note in moved or note in page_notes] + [
        note for note in page_notes if note not in held]
    context._update_footnote_area()
