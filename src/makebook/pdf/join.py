"""The PDFs of the book's pieces joined into one (issue 13).

Each piece of the book (:mod:`~makebook.pdf.pieces`) is written as its own tagged PDF as soon as
it is laid out, so its boxes need not be held until the whole book is (the peak memory of a long
book) and an unchanged piece's PDF can be kept between builds. This module makes the book's PDF
of them, as one ``write_pdf`` of all the pages would have:

* the pages in order, the first piece's catalog kept (metadata, language, output intent, the
  pinned identifier);
* one structure tree: every piece's elements under the first piece's ``Document`` element, the
  keys of each piece's parent tree (and its pages' and links' references to them) moved past
  the keys before it;
* the named destinations of every piece in one name tree, the first of a name kept (as
  WeasyPrint keeps the first anchor of a name); a link to another piece was written as a URI
  action to :data:`CROSS_PIECE` + the name (WeasyPrint drops a link whose anchor is not in its
  document, with an error) and becomes a link to that destination;
* the outline made from every page's bookmarks by WeasyPrint's own rules, so that a chapter
  nests under a part laid out in another piece;
* the page labels and reading direction of the whole book.

pikepdf (qpdf) copies the objects between files: a well-kept library, fast on long books.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

# The URI prefix a piece's link to an anchor in another piece is written with.
CROSS_PIECE = 'makebook-piece:#'


@dataclass(frozen=True)
class PageMarks:
    """What the outline needs of a page: its height (CSS px) and its bookmarks, each
    (level, label, x, y, state) as WeasyPrint's ``Page.bookmarks`` holds them."""

    height: float
    bookmarks: tuple[tuple[int, str, float, float, str], ...]

    def to_json(self) -> list[Any]:
        return [self.height, [list(mark) for mark in self.bookmarks]]

    @classmethod
    def from_json(cls, value: Any) -> PageMarks:
        height, marks = value
        return cls(float(height), tuple((int(level), str(label), float(x), float(y), str(state))
                                        for level, label, x, y, state in marks))


def join(pieces: Sequence[bytes], marks: Sequence[PageMarks], labels: Sequence[tuple[int, str]],
         right_to_left: bool, folios: Sequence[tuple[int, bytes, int]] = ()) -> bytes:
    """One PDF of ``pieces`` (the first gives the catalog), its outline from ``marks`` (one per
    page of the joined PDF), ``labels`` as :func:`~makebook.pdf.engine.page_labels` gives them.
    Each of ``folios`` (the joined PDF's page, a folio sheet, the sheet's page) prints that
    sheet page's folio on the page (:mod:`~makebook.pdf.folios`)."""
    import pikepdf

    book = pikepdf.open(io.BytesIO(pieces[0]))
    tree = _StructureTree(book)
    names = _Names(book)
    for data in pieces[1:]:
        piece = pikepdf.open(io.BytesIO(data))
        first = len(book.pages)
        with warnings.catch_warnings():
            # pikepdf warns that the pieces' named destinations are not carried with their
            # pages: they are, by _Names below (add_pages_from would rename clashing ones).
            warnings.simplefilter('ignore', pikepdf.PageCopyWarning)
            book.pages.extend(piece.pages)
        tree.add(piece, book.pages[first:])
        names.add(piece)
    tree.finish()
    _link_across_pieces(book)
    _print_folios(book, folios)
    _outline(book, marks)
    _page_labels(book, labels)
    if right_to_left:
        preferences = book.Root.get('/ViewerPreferences') or pikepdf.Dictionary()
        preferences.Direction = pikepdf.Name.R2L
        book.Root.ViewerPreferences = preferences
    output = io.BytesIO()
    # Object streams only where the version allows them (PDF/A-1 and PDF/X-1a are older).
    streams = (pikepdf.ObjectStreamMode.generate if book.pdf_version >= '1.5'
               else pikepdf.ObjectStreamMode.disable)
    # The first identifier is the one WeasyPrint pinned; the second is made from the content
    # (qpdf would make a random one), so that a rebuild gives the same bytes.
    book.save(output, object_stream_mode=streams, compress_streams=True, fix_metadata_version=False,
              deterministic_id=True)
    return output.getvalue()


def _indirect(pdf: Any, item: Any) -> Any:
    return item if item.is_indirect else pdf.make_indirect(item)


class _StructureTree:
    """The first piece's structure tree, the other pieces' grafted onto it."""

    def __init__(self, book: Any) -> None:
        import pikepdf

        self.book = book
        self.root = book.Root.get('/StructTreeRoot')
        if self.root is None:  # an untagged PDF (pdf_tags off)
            return
        kids = self.root.K
        self.document = kids[0] if isinstance(kids, pikepdf.Array) else kids
        self.nums = self.root.ParentTree.Nums
        self.next_key = len(self.nums) // 2

    def add(self, piece: Any, pages: Sequence[Any]) -> None:
        import pikepdf

        if self.root is None:
            return
        root = piece.Root.StructTreeRoot
        document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
        for kid in document.K:
            grafted = self.book.copy_foreign(_indirect(piece, kid))
            grafted.P = self.document
            self.document.K.append(grafted)
        nums = root.ParentTree.Nums
        for index in range(0, len(nums), 2):
            value = nums[index + 1]
            self.nums.append(int(nums[index]) + self.next_key)
            if isinstance(value, pikepdf.Array):  # a page's marked contents
                self.nums.append(pikepdf.Array([self.book.copy_foreign(_indirect(piece, v)) for v in value]))
            else:  # a link's element
                self.nums.append(self.book.copy_foreign(_indirect(piece, value)))
        for page in pages:
            if '/StructParents' in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + self.next_key
            for annotation in page.obj.get('/Annots', ()):
                if '/StructParent' in annotation:
                    annotation.StructParent = int(annotation.StructParent) + self.next_key
        self.next_key += len(nums) // 2

    def finish(self) -> None:
        if self.root is not None:
            self.root.ParentTreeNextKey = self.next_key


class _Names:
    """The named destinations of every piece, in the first piece's name tree."""

    def __init__(self, book: Any) -> None:
        import pikepdf

        self.book = book
        if '/Names' not in book.Root:
            book.Root.Names = pikepdf.Dictionary()
        if '/Dests' not in book.Root.Names:
            book.Root.Names.Dests = book.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array()))
        self.tree = pikepdf.NameTree(book.Root.Names.Dests)

    def add(self, piece: Any) -> None:
        import pikepdf

        if '/Names' not in piece.Root or '/Dests' not in piece.Root.Names:
            return
        for name, destination in pikepdf.NameTree(piece.Root.Names.Dests).items():
            if name not in self.tree:
                self.tree[name] = self.book.copy_foreign(_indirect(piece, destination))


def _link_across_pieces(book: Any) -> None:
    """A piece's link to an anchor in another piece (a URI action to CROSS_PIECE + the name)
    becomes a link to the book's destination of that name.

    The pieces come from the cache, a folder on disk: whatever a piece holds that WeasyPrint
    never writes for a book (actions that run when a page or the file opens, scripts, links that
    launch or submit) is dropped, so a planted piece cannot make the PDF do more than link."""
    import pikepdf

    for key in ('/OpenAction', '/AA'):
        if key in book.Root:
            del book.Root[key]
    if '/Names' in book.Root:
        for key in [name for name in book.Root.Names if name != '/Dests']:
            del book.Root.Names[key]
    for page in book.pages:
        if '/AA' in page.obj:
            del page.obj['/AA']
        for annotation in page.obj.get('/Annots', ()):
            if '/AA' in annotation:
                del annotation['/AA']
            action = annotation.get('/A')
            if action is None:
                continue
            uri = str(action.get('/URI', ''))
            if uri.startswith(CROSS_PIECE):
                del annotation['/A']
                annotation.Dest = pikepdf.String(uri[len(CROSS_PIECE):])
            elif action.get('/S') != pikepdf.Name.URI:
                del annotation['/A']


def _print_folios(book: Any, folios: Sequence[tuple[int, bytes, int]]) -> None:
    """Each folio sheet's page drawn over its page of the book, as a form marked as an artifact
    (page furniture, outside the structure tree), after the page's own drawing (wrapped in q/Q:
    WeasyPrint's content leaves its transform in place). The form's name is the page's, in
    the piece's resources (WeasyPrint shares one dictionary between a document's pages)."""
    import pikepdf

    sheets: dict[int, Any] = {}  # each sheet opened once (a book's pages share a few)
    for index, sheet, number in folios:
        if id(sheet) not in sheets:
            sheets[id(sheet)] = pikepdf.open(io.BytesIO(sheet))
        form = book.copy_foreign(sheets[id(sheet)].pages[number].as_form_xobject())
        page = book.pages[index]
        name = page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f'/MbFolio{index}'))
        page.contents_add(b'q\n', prepend=True)
        page.contents_add(b'Q\n/Artifact BMC q ' + name.unparse() + b' Do Q EMC\n')


def _outline(book: Any, marks: Sequence[PageMarks]) -> None:
    """The outline of the whole book, built as WeasyPrint builds it (``add_outlines``)."""
    import pikepdf
    import weasyprint

    if '/Outlines' in book.Root:
        del book.Root['/Outlines']
    pages = [SimpleNamespace(height=page.height, bookmarks=[(level, label, (x, y), state)
                                                            for level, label, x, y, state in page.bookmarks])
             for page in marks]
    # write_pdf's scale: CSS px to PDF points at zoom 1.
    tree = weasyprint.Document.make_bookmark_tree(SimpleNamespace(pages=pages), 0.75, transform_pages=True)
    if not tree:
        return
    references = [page.obj for page in book.pages]

    def items(nodes: list[Any], parent: Any) -> tuple[list[Any], int]:
        made: list[Any] = []
        count = len(nodes)
        for title, (page, x, y), children, state in nodes:
            destination = pikepdf.Array([references[page], pikepdf.Name.XYZ, x, y, 0])
            item = book.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(title), Dest=destination,
                                                         Parent=parent))
            kids, kids_count = items(children, item)
            item.Count = -kids_count if state == 'closed' else kids_count
            if state != 'closed':
                count += kids_count
            if kids:
                item.First, item.Last = kids[0], kids[-1]
            if made:
                item.Prev = made[-1]
                made[-1].Next = item
            made.append(item)
        return made, count

    outlines = book.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    top, count = items(tree, outlines)
    outlines.Count = count
    outlines.First, outlines.Last = top[0], top[-1]
    book.Root.Outlines = outlines


def _page_labels(book: Any, labels: Sequence[tuple[int, str]]) -> None:
    """The catalog's /PageLabels (PDF 1.7 §12.4.2)."""
    import pikepdf

    if '/PageLabels' in book.Root:
        del book.Root['/PageLabels']
    if labels:
        numbers = pikepdf.Array()
        for index, style in labels:
            numbers.append(index)
            numbers.append(pikepdf.Dictionary(S=pikepdf.Name('/' + style)))
        book.Root.PageLabels = pikepdf.Dictionary(Nums=numbers)
