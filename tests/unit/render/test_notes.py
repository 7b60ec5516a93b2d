"""Footnotes as real books write them: restarting at 1 in each chapter file, cited twice, in
tables, lists and block quotes, and defined but never cited."""

from __future__ import annotations

from lxml import etree

from makebook.errors import Severity
from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import NS

META = '---\ntitle: T\nauthor: A\nlang: en\n---\n'


def render(write_book, files: dict):
    return render_book(read_manuscript(write_book(files)))


def body(chapter) -> etree._Element:
    return etree.fromstring(chapter.body)


def calls_and_notes(section: etree._Element) -> tuple[list[tuple[str, str]], dict[str, str]]:
    calls = [(a.text, a.get('href')) for a in section.iterfind('.//x:a[@epub:type="noteref"]', NS)]
    notes = {'#' + aside.get('id'): ' '.join(''.join(aside.itertext()).split())
             for aside in section.iterfind('.//x:aside[@epub:type="footnote"]', NS)}
    return calls, notes


def test_a_note_cited_twice_is_one_note_with_one_backlink(write_book) -> None:
    book = render(write_book, {'1.md': META + '# A\n\nFirst[^n] and again[^n].\n\n[^n]: The note.'})
    assert book.diagnostics == ()
    section = body(book.chapters[0])
    calls, notes = calls_and_notes(section)
    assert [text for text, _ in calls] == ['1', '1'] and calls[0][1] == calls[1][1]
    assert notes == {calls[0][1]: '1. The note.'}
    note = section.find('.//x:aside', NS)
    assert [a.get('role') for a in note.iter(f'{{{NS["x"]}}}a')] == ['doc-backlink']
    assert all((a.text or '').strip() or len(a) for a in section.iter(f'{{{NS["x"]}}}a'))


def test_notes_in_tables_lists_and_block_quotes_are_numbered_in_reading_order(write_book) -> None:
    text = ('# A\n\nIntro[^a].\n\n| x | y |\n|---|---|\n| cell[^b] | z |\n\n'
            '- item[^c]\n- other\n\n> quoted[^d]\n\n[^a]: A.\n[^b]: B.\n[^c]: C.\n[^d]: D.\n')
    book = render(write_book, {'1.md': META + text})
    assert book.diagnostics == ()
    section = body(book.chapters[0])
    calls, notes = calls_and_notes(section)
    assert [text for text, _ in calls] == ['1', '2', '3', '4']
    assert [notes[href] for _, href in calls] == ['1. A.', '2. B.', '3. C.', '4. D.']
    for container, number in (('td', '2'), ('li', '3'), ('blockquote', '4')):
        assert section.find(f'.//x:{container}//x:a[@epub:type="noteref"]', NS).text == number


def test_chapter_files_whose_notes_restart_at_one_each_keep_their_own_notes(write_book) -> None:
    files = {f'{n}.md': (META if n == 1 else '') + f'# C{n}\n\nText[^1] more[^2].\n\n'
             f'[^1]: Chapter {n}, note one.\n[^2]: Chapter {n}, note two.\n' for n in (1, 2, 3)}
    book = render(write_book, files)
    assert [d for d in book.diagnostics if d.severity is Severity.ERROR] == []
    for n, chapter in enumerate(book.chapters, start=1):
        calls, notes = calls_and_notes(body(chapter))
        expected = [f'1. Chapter {n}, note one.', f'2. Chapter {n}, note two.']
        assert [notes[href] for _, href in calls] == expected
        for aside in body(chapter).iterfind('.//x:aside', NS):  # each backlink finds its own call
            back = aside.find('.//x:a[@role="doc-backlink"]', NS).get('href')[1:]
            assert book.chapter_of(back) is chapter


def test_a_note_never_cited_is_a_warning_and_its_text_is_kept(write_book) -> None:
    text = '# A\n\nCited[^a].\n\n# B\n\nText.\n\n[^a]: Cited note.\n[^orphan]: Forgotten *note*.\n'
    book = render(write_book, {'1.md': META + text})
    assert [(d.code, d.line, d.severity) for d in book.diagnostics] == [('MB330', 15, Severity.WARNING)]
    assert "'[^orphan]' is never referenced" in book.diagnostics[0].message
    last = body(book.chapters[-1])
    kept = last.find('.//x:div[@class="unreferenced-note"]', NS)
    assert ' '.join(''.join(kept.itertext()).split()) == 'Forgotten note.'
    assert kept.find('.//x:em', NS).text == 'note' and kept.find('.//x:a', NS) is None
    assert 'Forgotten' not in book.chapters[0].body


def test_pandoc_citations_are_one_warning_per_file_at_the_first(write_book) -> None:
    text = ('# A\n\nAs shown [@sutton2018; see @christiano2017, p. 3].\n\nAgain [-@doe99].\n\n'
            'Mail me@example.com, `[@code]` and [a link](#a) stay.\n')
    book = render(write_book, {'1.md': META + text})
    assert [(d.code, d.line, d.severity) for d in book.diagnostics] == [('MB332', 8, Severity.WARNING)]
    assert "'[@sutton2018; see @christiano2017, p. 3]' and 1 more left as text" in book.diagnostics[0].message
