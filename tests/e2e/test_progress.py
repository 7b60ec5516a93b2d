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
    assert laid_out and int(laid_out[-1]) == pages
    assert 'make-book: assembling the PDF file' in run.err
    assert 'Step ' not in run.err and 'Creating layout' not in run.err
