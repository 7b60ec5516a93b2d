"""A footnote WeasyPrint set a page late is told from one it lost or cut off.

The boxes are stand-ins with the few attributes ``deferred_footnotes`` reads from WeasyPrint's
laid-out pages; the real case (the Quarto history book's note set on the page after its call,
built with an MB607 warning instead of failing) is in docs/notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from makebook.pdf.engine import deferred_footnotes

TOP, HEIGHT = 67.2, 672.0  # a page area, in CSS px


@dataclass
class Box:
    element: dict[str, str]
    footnote: object | None = None


@dataclass
class Area:
    position_y: float
    height: float
    boxes: list[Box] = field(default_factory=list)

    def content_box_y(self) -> float:
        return self.position_y + 22.0  # the area's separator and padding

    def descendants(self) -> list[Box]:
        return self.boxes


@dataclass
class PageBox:
    children: list[Area]
    height: float = HEIGHT

    def content_box_y(self) -> float:
        return TOP


@dataclass
class Page:
    _page_box: PageBox


@dataclass
class Document:
    pages: list[Page]


def call(note: str) -> Box:
    return Box({'id': note, 'class': 'footnote'}, footnote=object())


def body(note: str) -> list[Box]:
    return [Box({'id': note, 'class': 'footnote'}) for _ in range(3)]  # block and line boxes


def page(flow: list[Box], notes: list[Box] | None = None, *, note_height: float = 40.0) -> Page:
    areas = [Area(TOP, HEIGHT, flow)]
    if notes is not None:
        areas.append(Area(TOP + HEIGHT - note_height - 22.0, note_height, notes))
    return Page(PageBox(areas))


def test_a_note_whole_at_the_foot_of_the_next_page_is_deferred() -> None:
    document = Document([page([call('fn-1')]), page([], body('fn-1'))])
    assert deferred_footnotes(document) == {'fn-1'}


def test_a_note_lost_two_pages_on_or_cut_off_is_not() -> None:
    lost = Document([page([call('fn-1')]), page([])])
    further = Document([page([call('fn-1')]), page([]), page([], body('fn-1'))])
    # an area reaching below the page area: the note's last lines are off the page
    cut_off = Document([page([call('fn-1')]), page([], body('fn-1'), note_height=40.0)])
    cut_off.pages[1]._page_box.children[1].position_y += 30.0
    split = Document([page([call('fn-1')], body('fn-1')), page([], body('fn-1'))])
    for document in (lost, further, cut_off, split):
        assert deferred_footnotes(document) == set()
