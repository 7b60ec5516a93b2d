"""The PDF's progress: its layout passes and pages are shown as make-book's own stages (heard from
WeasyPrint in the PDF's child process), never as WeasyPrint's log lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.tools import BOOKS, make_book

pytestmark = pytest.mark.slow


def test_verbose_shows_the_pdfs_layout_with_its_pages(capsys, tmp_path: Path) -> None:
    run = make_book(capsys, 'build', BOOKS / 'small', '-o', tmp_path, '-f', 'pdf', '-v')
    assert run.status == 0, run.err
    pages = len(PdfReader(next(tmp_path.glob('*.pdf'))).pages)
    laid_out = re.findall(r'^make-book: laying out the PDF(?: \(pass \d\))?, (\d+) pages: \d+\.\d\d s$',
                          run.err, re.M)
    # The last pass laid out every page but the blank one that makes the count even (issue 15),
    # which is no pass of its own.
    blank = pages % 2 == 0 and not PdfReader(next(tmp_path.glob('*.pdf'))).pages[-1].extract_text().strip()
    assert laid_out and int(laid_out[-1]) in ((pages, pages - 1) if blank else (pages,))
    assert ', 1 page:' not in run.err
    assert 'make-book: assembling the PDF file' in run.err
    assert 'Step ' not in run.err and 'Creating layout' not in run.err
