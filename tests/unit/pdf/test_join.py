"""Pieces written as their own tagged PDFs and joined (pdf/join.py): one structure tree whose
keys still lead from each page and link to its elements, links across pieces that lead to
their anchor, an outline that nests a chapter under a part laid out in another piece, and the
page labels and reading direction of the whole book."""

from __future__ import annotations

import io
from typing import Any

import pikepdf
import pytest
import weasyprint

from makebook.model import RenderedBook
from makebook.pdf import engine, join
from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import BOOKS

PART = """<html lang="en"><body>
<h1 id="part">Part One</h1><p>See <a href="#chapter">the chapter</a> and <a href="#here">here</a>.</p>
<p id="here">Here.</p></body></html>"""
CHAPTER = """<html lang="en"><body>
<h2 id="chapter">A Chapter</h2><p>Back to <a href="#part">the part</a>.</p>
<div style="break-before: page"><h3 id="section">A Section</h3><p>Text.</p></div></body></html>"""


@pytest.fixture(scope='module')
def book() -> RenderedBook:
    return render_book(read_manuscript(BOOKS / 'small'))  # its PDF options: identifier, tags


def _piece(book: RenderedBook, html: str) -> tuple[bytes, list[join.PageMarks]]:
    document = weasyprint.HTML(string=html).render(pdf_tags=True)
    marks = [join.PageMarks(page.height, tuple((level, label, x, y, state)
                                               for level, label, (x, y), state in page.bookmarks))
             for page in document.pages]
    return engine.write_piece(book, document, None), marks


@pytest.fixture(scope='module')
def joined(book: RenderedBook) -> pikepdf.Pdf:
    part, part_marks = _piece(book, PART)
    chapter, chapter_marks = _piece(book, CHAPTER)
    data = join.join([part, chapter], [*part_marks, *chapter_marks], [(0, 'r'), (1, 'D')], right_to_left=True)
    return pikepdf.open(io.BytesIO(data))


def _elements(pdf: pikepdf.Pdf) -> dict[int, Any]:
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def test_every_page_and_link_leads_to_its_own_structure_elements(joined: pikepdf.Pdf) -> None:
    tree = _elements(joined)
    assert len(joined.pages) == 3
    assert int(joined.Root.StructTreeRoot.ParentTreeNextKey) == len(tree)
    keys = []
    for page in joined.pages:
        keys.append(int(page.obj.StructParents))
        for element in tree[keys[-1]]:
            assert element.Pg.objgen == page.obj.objgen
        for annotation in page.obj.get('/Annots', ()):
            element = tree[int(annotation.StructParent)]
            kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
            assert any(isinstance(kid, pikepdf.Dictionary) and '/Obj' in kid
                       and kid.Obj.objgen == annotation.objgen for kid in kids)
    assert len(set(keys)) == 3  # the second piece's keys moved past the first's
    document = joined.Root.StructTreeRoot.K[0]
    assert all(kid.P.objgen == document.objgen for kid in document.K)
    kinds = {str(kid.S) for kid in document.K}
    assert {'/H1', '/H2', '/Div'} <= kinds  # both pieces' elements under the one Document


def test_a_link_to_another_piece_leads_to_its_anchor(joined: pikepdf.Pdf) -> None:
    names = pikepdf.NameTree(joined.Root.Names.Dests)
    pages = {page.obj.objgen: number for number, page in enumerate(joined.pages)}
    targets = []
    for number, page in enumerate(joined.pages):
        for annotation in page.obj.get('/Annots', ()):
            assert '/A' not in annotation  # no URI action left of the cross-piece links
            targets.append((number, str(annotation.Dest), pages[names[str(annotation.Dest)][0].objgen]))
    assert sorted(targets) == [(0, 'chapter', 1), (0, 'here', 0), (1, 'part', 0)]


def test_the_outline_nests_across_pieces_and_labels_cover_the_book(joined: pikepdf.Pdf) -> None:
    pages = {page.obj.objgen: number for number, page in enumerate(joined.pages)}
    with joined.open_outline() as outline:
        [part] = outline.root
        [chapter] = part.children
        [section] = chapter.children
        found = [(item.title, pages[item.destination[0].objgen]) for item in (part, chapter, section)]
    assert found == [('Part One', 0), ('A Chapter', 1), ('A Section', 2)]
    labels = joined.Root.PageLabels.Nums
    assert [int(x) if isinstance(x, int) else str(x.S) for x in labels] == [0, '/r', 1, '/D']
    assert str(joined.Root.ViewerPreferences.Direction) == '/R2L'
    assert str(joined.Root.Lang) == 'en'


def test_a_cached_piece_is_read_back_as_it_was_stored_and_a_damaged_one_refused(book: RenderedBook) -> None:
    part, marks = _piece(book, PART)
    found = engine.Findings((('part',),), ('1',), frozenset({'fn-1'}), frozenset(), (), (), (('p-1', True),))
    result = engine.PieceResult(found, tuple(marks), part, (('Source Serif Pro', True),))
    assert engine.PieceResult.from_json(result.to_json()) == result
    damaged = {**result.to_json(), 'pdf': 'bm90IGEgUERG'}  # base64 of 'not a PDF'
    with pytest.raises(ValueError, match='damaged'):
        engine.PieceResult.from_json(damaged)
    with pytest.raises(ValueError, match='damaged'):
        engine.PieceResult.from_json({**result.to_json(), 'marks': []})


def test_a_planted_piece_can_only_link(book: RenderedBook) -> None:
    """A piece from the cache (a file on disk) with an action run when the file opens, a script,
    and a link that launches a program: the joined PDF keeps its pages and links only."""
    part, marks = _piece(book, PART)
    planted = pikepdf.open(io.BytesIO(part))
    planted.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String('app.alert(1)'))
    planted.Root.Names.JavaScript = pikepdf.Dictionary(Names=pikepdf.Array())
    first = planted.pages[0].obj
    first.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String('x')))
    first.Annots[0].A = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String('/bin/sh'))
    buffer = io.BytesIO()
    planted.save(buffer)
    chapter, chapter_marks = _piece(book, CHAPTER)
    joined = pikepdf.open(io.BytesIO(join.join([buffer.getvalue(), chapter], [*marks, *chapter_marks], [],
                                               right_to_left=False)))
    assert '/OpenAction' not in joined.Root and list(joined.Root.Names.keys()) == ['/Dests']
    assert '/AA' not in joined.pages[0].obj
    actions = [annotation.get('/A') for page in joined.pages for annotation in page.obj.get('/Annots', ())]
    assert all(action is None or action.S == pikepdf.Name.URI for action in actions)
    assert len(actions) == 3  # the links themselves are kept
