"""make-book stats reads each chapter's printed pages from the last PDF built (its bookmarks)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.tools import REPO, make_book


def test_page_counts_come_from_the_last_pdf(capsys, essay_build: Path) -> None:
    run = make_book(capsys, 'stats', REPO / 'manuscript', '-o', essay_build, '--json')
    assert run.status == 0, run.err
    report = json.loads(run.out)
    pages = [chapter['pages'] for chapter in report['chapters']]
    assert all(isinstance(n, int) and n >= 1 for n in pages), pages
    assert pages[1:-1] == [2] * 6  # each chapter opens on a recto: two pages each
    from pypdf import PdfReader
    assert report['total']['pages'] == len(PdfReader(essay_build / 'leon-the-professional.pdf').pages)
    assert report['pages_from'].endswith('leon-the-professional.pdf')
