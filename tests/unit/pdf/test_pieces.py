"""The print document cut into chapter pieces (pdf/pieces.py): what each piece is told of the
others. The layout itself is compared with the single document's in tests/e2e/test_pieces.py."""

from __future__ import annotations

import re

from lxml import etree

from makebook.model import RenderedBook
from makebook.pdf import document, pieces


def test_the_front_matter_ends_with_the_contents_and_each_chapter_is_a_piece(
        nested_book: RenderedBook) -> None:
    cut = pieces.cut(document.print_tree(nested_book))
    assert cut is not None
    front, body = cut
    assert front.front and 'contents' in front.ids and 'titlepage' in ' '.join(
        str(section.get('class')) for section in front.sections)
    # The part's page, then each chapter (the sub-chapter too): every one opens a recto.
    assert len(body) == 5
    assert 'body-start' in (body[0].sections[0].get('class') or '')
    assert [piece.last for piece in body] == [False] * 4 + [True]
    # Every piece but the last closes with the empty chapter whose page is dropped.
    assert pieces.PIECE_END in body[0].html({}, {}) and pieces.PIECE_END not in body[-1].html({}, {})


def test_a_piece_is_told_the_pages_and_figures_that_are_elsewhere(nested_book: RenderedBook) -> None:
    root = document.print_tree(nested_book)
    front, body = pieces.cut(root) or (None, [])
    assert front is not None
    # The contents print the page of every chapter (and the part): all in other pieces.
    assert front.references() == {'introduction', 'part-part-one', 'alpha', 'alpha-one', 'beta'}
    assert all(any(ref in piece.ids for piece in body) for ref in front.references())
    pages = {ref: number for number, ref in enumerate(sorted(front.references()), start=7)}
    html = front.html(pages, {})
    for ref, number in pages.items():
        assert re.search(rf'href="#{re.escape(ref)}"[^>]*data-mb-ref="{number}"', html)
    # A link to a heading in another chapter is no page reference: left alone.
    intro = next(piece for piece in body if 'Introduction' in piece.html({}, {}))
    assert 'data-mb-ref' not in intro.html({'detail': 3}, {})
    # A page not laid out yet is a guess (0) the engine checks, never a missing target.
    assert front.html({}, {}).count('data-mb-ref="0"') == 5


def test_a_body_piece_counts_its_own_pages_and_starts_after_the_figures_before_it(
        nested_book: RenderedBook) -> None:
    front, body = pieces.cut(document.print_tree(nested_book)) or (None, [])
    assert front is not None
    # No piece is told where it starts (its layout does not depend on the pieces before it):
    # a body piece's folios are laid out hidden (the join prints the book's), the front's shown.
    assert front.css() == '/**/'
    assert all(piece.css() == pieces.HIDDEN_FOLIOS for piece in body)
    assert 'counter-reset: page' not in ''.join(piece.css() for piece in body)
    figured = pieces.Piece(body[2].head, (), body[2].sections, False, False, 3, body[2].ids, body[2].ids)
    assert 'html { counter-reset: figure 3; }' in figured.css()


def test_a_body_piece_is_told_the_page_of_its_own_page_references(nested_book: RenderedBook) -> None:
    """Its page counter is not the book's, so target-counter() would print its own count."""
    _, body = pieces.cut(document.print_tree(nested_book)) or (None, [])
    piece = body[1]
    section = piece.sections[0]
    target = section.get('id', '')
    assert target in piece.ids
    link = etree.SubElement(section, f'{{{document.XHTML_NS}}}a',
                            {'href': '#' + target, 'class': 'xref-page'})
    told = pieces.Piece(piece.head, (), (section,), False, False, 0, piece.ids, piece.book_ids)
    assert target in told.references()
    assert re.search(r'class="xref-page"[^>]*data-mb-ref="41"|data-mb-ref="41"[^>]*class="xref-page"',
                     told.html({target: 41}, {}))
    section.remove(link)


def test_figure_numbers_follow_the_book_and_a_book_without_contents_is_one_piece() -> None:
    root = etree.fromstring(
        '<html xmlns="http://www.w3.org/1999/xhtml"><head/><body>'
        '<section class="chapter"><figure class="numbered" id="a"><img id="i"/></figure><figure id="u"/>'
        '<figure class="numbered" id="b"/></section></body></html>')
    assert pieces.figure_numbers(root) == {'a': 1, 'i': 1, 'b': 2}
    assert pieces.cut(root) is None


def test_the_literal_numbers_are_printed_with_the_same_words(nested_book: RenderedBook) -> None:
    literal = document.literal_label_css(nested_book.metadata)
    counted = document.label_css(nested_book.metadata)
    for kind in ('xref-fig', 'xref-page', 'xref-sec'):
        ours = re.search(rf'a\.{kind}\[data-mb-ref\]::after {{ content: (.*?); }}', literal)
        theirs = re.search(rf'a\.{kind}::after {{ content: (.*?); }}', counted)
        assert ours and theirs
        counter = r'target-counter\(attr\(href url\), \w+\)'
        assert ours[1].replace('attr(data-mb-ref)', 'N') == re.sub(counter, 'N', theirs[1])
    assert "nav.toc a[data-mb-ref]::after { content: leader('.') attr(data-mb-ref); }" in literal
