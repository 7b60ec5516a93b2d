"""A word of hundreds of inline elements (the attack harness's ``[*``×n) is printed plain in
every edition, every character of it on the PDF's page (hardening issue 10, MB336).

Before, the PDF's layout took the square of the word's elements (15.8 CPU s at 2,500), and
WeasyPrint, which cannot break a line between two elements of one word, ran the word off
the page's edge: its text was not in the PDF.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from makebook.cli import main
from tests.tools import Epub, write_files

HEAD = '---\ntitle: Crowded\nauthor: A\nlanguage: en\n---\n\n# One\n\n'
WORD = '[*' * 300 + 'x' + '*]{.a}' * 300


def test_a_crowded_word_is_plain_and_whole_in_the_pdf_the_epub_and_the_web_edition(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = write_files(tmp_path / 'book', {'01.md': HEAD + '*Kept* before.\n\nBefore ' + WORD + ' after.\n'})
    status = main([str(book), '-o', str(tmp_path / 'out'), '-f', 'pdf,epub,html'])
    err = capsys.readouterr().err
    assert status == 0, err
    assert re.search(r'01\.md:11: MB336 warning: a word of 301 inline elements', err), err
    pdf = subprocess.run(['pdftotext', str(next((tmp_path / 'out').glob('*.pdf'))), '-'],
                         capture_output=True, text=True, check=True).stdout
    letters = ''.join(pdf.split())  # (a page's foot and head may stand inside the word)
    assert [letters.count(c) for c in '[]{}'] == [299, 299, 299, 299] and '[x]{.a}' in letters
    epub = Epub(next((tmp_path / 'out').glob('*.epub')))
    chapter = next(text for name in epub.zip.namelist()
                   if 'Before' in (text := epub.read(name).decode('utf-8', 'replace')))
    web = (tmp_path / 'out' / 'html' / 'index.html').read_text(encoding='utf-8')
    for markup in (chapter, web):
        assert '<em>Kept</em>' in markup and 'Before ' + '[' * 290 in markup and '<em>[' not in markup
