"""pdf/display.py: the print document's display lines broken where balanced lines end.

The lines themselves are measured on the typesetting fixture's real PDF
(tests/e2e/test_typesetting.py); here, what the print document carries.
"""

from __future__ import annotations

from lxml import html

from makebook.epub.cover import _wrap
from makebook.pdf.document import print_html
from makebook.render import render_book
from makebook.source import read_manuscript

LONG = 'Instruments and Their Settings for the Keeping of a *Light* Through a Long Winter'
META = ('---\ntitle: A Book Whose Title Is Long Enough to Need Two Lines on Its Title Page\n'
        'subtitle: Notes on Keeping a Small Lighthouse and Its Lamp Through a Northern Winter\n'
        'author: A\nlang: en\n---\n')


def lines_of(node: html.HtmlElement) -> list[str]:
    """A display line's text, a line per forced break."""
    parts = [[]]
    for piece in node.iter():
        if piece.tag == 'br':
            parts.append([])
            parts[-1].append(piece.tail or '')
            continue
        if piece is node:
            parts[-1].append(piece.text or '')
            continue
        parts[-1].append((piece.text or '') + (piece.tail or ''))
    return [' '.join(''.join(part).split()) for part in parts]


def test_titles_are_broken_into_balanced_lines_their_words_kept(write_book) -> None:
    book = render_book(read_manuscript(write_book({
        '01.md': META + f'# {LONG}\n\nText of a paragraph.\n\n# Short\n\nMore text.\n'})))
    body = html.document_fromstring(print_html(book)).find('body')
    opener = body.find_class('chapter')[0].find('h1')
    assert lines_of(opener) == ['Instruments and Their Settings', 'for the Keeping of a Light',
                                'Through a Long Winter']
    assert opener.find('em').text == 'Light'  # markup kept around the breaks
    assert opener.get('data-running') and '\n' not in opener.get('data-label')
    title = body.find_class('titlepage')[0]
    assert [len(line.split()) for line in lines_of(title.find_class('title')[0])] == [5, 5, 5]
    assert lines_of(title.find_class('subtitle')[0]) == ['Notes on Keeping a Small Lighthouse',
                                                          'and Its Lamp Through a Northern Winter']
    short = body.find_class('chapter')[1].find('h1')
    assert short.find('br') is None  # a title that fits is left whole


def test_a_title_with_a_break_of_the_author_s_own_or_a_print_stylesheet_is_left_alone(write_book) -> None:
    own = META.replace('lang: en', 'lang: en\nprint-css: print.css')
    folder = write_book({'01.md': own + f'# {LONG}\n\nText.\n', 'print.css': 'h1 { font-size: 30pt; }\n'})
    book = render_book(read_manuscript(folder))
    opener = html.document_fromstring(print_html(book)).find('body').find_class('chapter')[0].find('h1')
    assert opener.find('br') is None
    book = render_book(read_manuscript(write_book({'01.md': META + 'Instruments and Their Settings for '
                                                                   'the Keeping<br>of a Light Through a '
                                                                   'Long Winter\n===\n\nText.\n'}, 'own')))
    opener = html.document_fromstring(print_html(book)).find('body').find_class('chapter')[0].find('h1')
    assert len(opener.findall('br')) == 1


def test_the_drawn_cover_balances_its_title_too() -> None:
    def measure(text: str) -> float:
        return 8.0 * len(text.replace(' ', '')) + 4.0 * text.count(' ')
    assert _wrap(LONG.replace('*', ''), measure, 260.0) == [
        'Instruments and Their Settings', 'for the Keeping of a Light', 'Through a Long Winter']
    assert _wrap('Title', measure, 260.0) == ['Title']
    assert _wrap('', measure, 260.0) == ['']
