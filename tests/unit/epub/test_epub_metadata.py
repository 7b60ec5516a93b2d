"""Book metadata the EPUB needs: ISBN, series, direction, footnote numbering, cover file."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from makebook.config.isbn import parse_isbn
from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import make_book

BODY = '# One\n\nText.\n'


@pytest.mark.parametrize(('given', 'digits'), [
    ('978-0-306-40615-7', '9780306406157'),
    ('urn:isbn:9780306406157', '9780306406157'),
    ('ISBN 0-306-40615-2', '0306406152'),
    ('0-8044-2957-X', '080442957X'),
])
def test_valid_isbns_are_normalised(given: str, digits: str) -> None:
    assert parse_isbn(given) == digits


@pytest.mark.parametrize(('given', 'message'), [
    ('978-0-306-40615-8', 'wrong check digit: 8 given, 7 expected'),
    ('0-306-40615-3', 'wrong check digit: 3 given, 2 expected'),
    ('978-0-306', 'is not an ISBN'),
])
def test_invalid_isbns_say_why(given: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_isbn(given)


def test_a_wrong_check_digit_is_an_error_on_the_line_of_the_key(write_book, capsys, tmp_path: Path) -> None:
    book = write_book({'metadata.yaml': 'title: T\nauthor: A\nlang: en\nisbn: 978-0-306-40615-8\n',
                       '01.md': BODY})
    run = make_book(capsys, book, '-o', tmp_path / 'out', '-f', 'epub')
    assert run.status == 1
    assert (f"{book / 'metadata.yaml'}:4: MB108 error: metadata 'isbn': '978-0-306-40615-8' has a wrong "
            'check digit: 8 given, 7 expected') in run.err
    assert 'Traceback' not in run.err


def test_a_urn_isbn_identifier_is_checked_too(write_book) -> None:
    book = write_book({'01.md': '---\ntitle: T\nidentifier: urn:isbn:9780306406158\n---\n' + BODY})
    with pytest.raises(Exception, match='bad book metadata') as raised:
        read_manuscript(book)
    assert [(d.line, 'identifier' in d.message) for d in raised.value.diagnostics] == [(3, True)]


def test_isbn_becomes_the_identifier(write_book) -> None:
    meta = read_manuscript(write_book({'01.md': '---\ntitle: T\nisbn: 0-306-40615-2\n---\n' + BODY})).metadata
    assert meta.identifier == 'urn:isbn:0306406152'
    assert meta.isbn == '0306406152'


@pytest.mark.parametrize(('lang', 'extra', 'direction'), [
    ('en-GB', '', 'ltr'), ('he', '', 'rtl'), ('ar-EG', '', 'rtl'), ('fa', '', 'rtl'),
    ('az-Arab', '', 'rtl'), ('en', 'dir: rtl\n', 'rtl'), ('he', 'dir: ltr\n', 'ltr'),
])
def test_text_direction_from_the_language_or_dir(write_book, lang: str, extra: str, direction: str) -> None:
    book = write_book({'01.md': f'---\ntitle: T\nlang: {lang}\n{extra}---\n' + BODY})
    assert read_manuscript(book).metadata.direction == direction


def test_series_as_a_mapping_or_two_keys(write_book, tmp_path: Path) -> None:
    one = write_book({'01.md': '---\ntitle: T\nseries: {name: S, index: 2.5}\n---\n' + BODY}, 'one')
    two = write_book({'01.md': '---\ntitle: T\nseries: S\nseries-index: 3\n---\n' + BODY}, 'two')
    assert (read_manuscript(one).metadata.series, read_manuscript(one).metadata.series_index) == ('S', '2.5')
    assert (read_manuscript(two).metadata.series, read_manuscript(two).metadata.series_index) == ('S', '3')


@pytest.mark.parametrize(('key', 'value', 'message'), [
    ('dir', 'sideways', "'sideways' is not a text direction"),
    ('footnote-numbering', 'page', "'page' is not one of: chapter, book"),
    ('series-index', 'two', 'the series index must be a number'),
    ('cover-image', '../elsewhere/outside.png', "'..' leads outside the manuscript folder"),
    ('cover-image', 'link.png', 'symbolic link pointing outside the manuscript folder'),
    ('cover-image', 'missing.png', "'missing.png': no such cover image"),
    ('cover-image', 'notes.txt', 'is not a JPEG or PNG image'),
    ('cover-image', '/etc/passwd', 'absolute paths are refused'),
    ('cover-image', 'https://example.com/c.jpg', 'remote resources are not fetched'),
])
def test_bad_values_are_errors_with_their_line(write_book, key: str, value: str, message: str) -> None:
    outside = write_book({'outside.png': b'\x89PNG\r\n\x1a\n'}, 'elsewhere') / 'outside.png'
    book = write_book({'01.md': f'---\ntitle: T\nseries: S\n{key}: {value}\n---\n' + BODY,
                       'notes.txt': 'not an image'})
    (book / 'link.png').symlink_to(outside)
    with pytest.raises(Exception, match='bad book metadata') as raised:
        read_manuscript(book)
    found = [(d.line, d.message) for d in raised.value.diagnostics]
    assert len(found) == 1
    assert found[0][0] == 4
    assert message in found[0][1]


NOTES = """---
title: T
footnote-numbering: {scheme}
---
# One

A[^a] and B[^b].

# Two

C[^c].

[^a]: Note a.
[^b]: Note b.
[^c]: Note c.
"""


@pytest.mark.parametrize(('scheme', 'expected'), [('chapter', [['1', '2'], ['1']]),
                                                  ('book', [['1', '2'], ['3']])])
def test_footnote_numbering_per_chapter_or_per_book(write_book, scheme: str, expected) -> None:
    book = render_book(read_manuscript(write_book({'01.md': NOTES.format(scheme=scheme)})))
    found = []
    for chapter in book.chapters:
        tree = etree.fromstring(chapter.body)
        refs = [a.text for a in tree.iter('{http://www.w3.org/1999/xhtml}a')
                if a.get('role') == 'doc-noteref']
        backs = [a.text for a in tree.iter('{http://www.w3.org/1999/xhtml}a')
                 if a.get('role') == 'doc-backlink']
        assert backs == [f'{n}.' for n in refs]
        found.append(refs)
    assert found == expected


def test_front_and_back_matter_headings(write_book) -> None:
    book = render_book(read_manuscript(write_book({
        '01.md': '---\ntitle: T\n---\n# For Ann {.dedication}\n\nFor Ann.\n\n# One\n\nText.\n\n'
                 '# Sources {epub:type=appendix}\n\nList.\n'})))
    assert [(c.title, c.kind, c.epub_type, c.number) for c in book.chapters] == [
        ('For Ann', 'frontmatter', 'dedication', None), ('One', 'bodymatter', 'chapter', 1),
        ('Sources', 'backmatter', 'appendix', None)]
