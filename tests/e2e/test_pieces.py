"""The print edition laid out a chapter at a time makes the pages the single document makes
(issue 13): the same page count, the same text on every page (folios, running heads, the
contents' page numbers, cross-references, footnotes), the same bookmarks and the same link
targets and page labels. The contents' numbers are also checked against the pages their
links lead to.
"""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from makebook.pdf import folios, print_edition
from makebook.render import render_book
from makebook.source import read_manuscript
from tests.conftest import ESSAY_EPOCH
from tests.e2e.test_fast_paths import pages_and_outline
from tests.tools import BOOKS, NESTED_BOOK, write_files


def facts(pdf: bytes, path: Path) -> dict[str, object]:
    """What a reader sees of a PDF: each page's text, the bookmarks, the links and the labels."""
    path.write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    count = len(reader.pages)
    texts = [_same_hyphens(_page_text(path, n)) for n in range(1, count + 1)]
    _, outline = pages_and_outline(path)
    named = reader.named_destinations
    links = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get('/Annots') or []:
            annotation = annotation.get_object()
            if annotation.get('/Subtype') != '/Link':
                continue
            action = annotation.get('/A') or {}
            target = annotation.get('/Dest') or action.get('/D') or action.get('/URI')
            if isinstance(target, str) and target in named:
                target = reader.get_destination_page_number(named[target])
            links.append((number, [round(float(x)) for x in annotation['/Rect']], str(target)))
    return {'pages': count, 'text': texts, 'outline': outline, 'links': links,
            'labels': list(reader.page_labels)}


def _page_text(path: Path, number: int) -> str:
    return subprocess.run(['pdftotext', '-layout', '-f', str(number), '-l', str(number), str(path), '-'],
                          capture_output=True, text=True, check=True).stdout


def _same_hyphens(text: str) -> str:
    """The text with every hyphen read as '-'. A font has one glyph for '-' and '‐' (U+2010, the
    hyphen a broken word ends with), and a PDF's font subset maps each glyph back to one
    character: the first of the two its document set. A chapter written as its own PDF maps it
    to what that chapter set first, so the same drawn hyphen may read back as the other."""
    return text.replace('\u2010', '-')


def contents_numbers_are_the_pages_linked(found: dict[str, object]) -> None:
    """Each contents entry prints the number of the page its link leads to: the first chapter's
    is 1, and the others follow the pages (openers print no folio, nor a thin book's labels)."""
    contents = next(n for n, text in enumerate(found['text']) if re.search(r'^\s*Contents\s*$', text, re.M))
    targets: list[int] = []  # an entry's title, leader and number may be a link each
    for number, _, target in found['links']:
        if number == contents and target.isdigit() and (not targets or targets[-1] != int(target)):
            targets.append(int(target))
    assert targets
    printed = re.findall(r'(\d+)\s*$', found['text'][contents], re.M)
    assert printed == [str(target - targets[0] + 1) for target in targets]


@pytest.fixture
def nested_folder(tmp_path: Path) -> Path:
    return write_files(tmp_path / 'nested', NESTED_BOOK)


@pytest.mark.parametrize('name', ['print-features', 'quarto', 'nested', 'languages-ar'])
def test_the_book_in_pieces_is_the_single_document(name: str, nested_folder: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
    book = render_book(read_manuscript(nested_folder if name == 'nested' else BOOKS / name))
    with caplog.at_level(logging.INFO, logger='makebook'):
        in_pieces = facts(print_edition(book).pdf, tmp_path / 'pieces.pdf')
    laid_out = [record.getMessage() for record in caplog.records if 'chapter pieces' in record.getMessage()]
    counts = re.search(r'\((\d+) chapter pieces laid out, (\d+) reused', laid_out[-1])
    assert counts is not None
    pieces, reused = int(counts[1]), int(counts[2])
    assert pieces > 2
    if name == 'print-features':  # laid out three times (notes cut): only what changed again
        assert 'laid out 3 times' in laid_out[-1] and reused > pieces / 2
    single = facts(print_edition(book, pieces=False).pdf, tmp_path / 'single.pdf')
    assert in_pieces['pages'] == single['pages']
    for number, (ours, theirs) in enumerate(zip(in_pieces['text'], single['text'], strict=True)):
        assert ours == theirs, f'page {number + 1}'
    assert in_pieces['outline'] == single['outline']
    assert in_pieces['links'] == single['links']
    assert in_pieces['labels'] == single['labels']
    if name != 'languages-ar':  # its contents are not headed 'Contents'
        contents_numbers_are_the_pages_linked(in_pieces)


@pytest.mark.parametrize('name', ['print-features', 'nested'])
def test_pieces_laid_out_by_two_processes_make_the_pdf_one_process_makes(
        name: str, nested_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Byte for byte: a piece's layout depends on nothing the other process laid out. The folio
    sheets are made in the same round as the pieces, by whichever process takes them from the
    queue (tests/unit/pdf/test_helper.py shows that both take)."""
    monkeypatch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
    book = render_book(read_manuscript(nested_folder if name == 'nested' else BOOKS / name))
    sheets_by = tmp_path / 'sheets'
    render_sheet = folios.render_sheet

    def noted(*args: Any) -> bytes:
        with sheets_by.open('a', encoding='ascii') as stream:
            stream.write(f'{os.getpid()} {args[-1]}\n')  # who made the sheet from which number
        return render_sheet(*args)

    monkeypatch.setattr(folios, 'render_sheet', noted)
    made = {}
    for jobs in (2, 1):
        sheets_by.write_text('', encoding='ascii')
        with caplog.at_level(logging.INFO, logger='makebook'):
            made[jobs] = print_edition(book, jobs=jobs).pdf
        told = [record.getMessage() for record in caplog.records if 'second process' in record.getMessage()]
        shared = re.search(r'(\d+) laid out by a second process', told[-1])
        assert shared is not None
        sheets = [line.split() for line in sheets_by.read_text(encoding='ascii').splitlines()]
        if jobs == 2:  # each sheet made once, in the round of the pieces, by either process
            assert sheets and len({first for _, first in sheets}) == len(sheets), sheets
        else:
            assert int(shared[1]) == 0, told[-1]
            assert {maker for maker, _ in sheets} <= {str(os.getpid())}
    assert made[2] == made[1]


def test_the_body_s_folios_are_printed_once_as_page_furniture(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Each body folio is drawn over its page from a folio sheet, marked as an artifact (it is
    not the book's text: outside the structure tree), and the piece's own hidden one not at all."""
    import pikepdf

    monkeypatch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
    pdf = print_edition(render_book(read_manuscript(BOOKS / 'print-features'))).pdf
    found = facts(pdf, tmp_path / 'book.pdf')
    labels = found['labels']
    stamped = 0
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for index, page in enumerate(document.pages):
            contents = page.obj.Contents
            content = b'\n'.join(stream.read_bytes() for stream in
                                 (contents if isinstance(contents, pikepdf.Array) else [contents]))
            names = re.findall(rb'/Artifact BMC q (/MbFolio\d+) Do Q EMC', content)
            text = found['text'][index].rstrip().splitlines()
            folio = text[-1].strip() if text else ''
            if names:
                stamped += 1
                assert names == [f'/MbFolio{index}'.encode()]
                assert labels[index].isdigit() and folio == labels[index]  # printed where it is labelled
            else:
                assert not (labels[index].isdigit() and folio == labels[index] and folio != '1'), index
    assert stamped > 10
