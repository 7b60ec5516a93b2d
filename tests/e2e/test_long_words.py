"""A run of thousands of characters with no place to break a line (a pasted blob, or the attack
harness's one long word) is printed whole, in linear time (hardening issue 10).

The print document gives it a zero-width space every few characters (pdf/document.py,
``break_unbroken_runs``): WeasyPrint laid out the rest of such a text for each of its lines
(16,000 characters: 2.9 CPU s, n^1.6). The PDF's text is still the word (the zero-width spaces
are not extracted); the EPUB and the web edition hold it as written.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from makebook.cli import main
from tests.tools import Epub, write_files

HEAD = '---\ntitle: Long\nauthor: A\nlanguage: en\n---\n\n# One\n\n'
WORD = ''.join(chr(ord('a') + i % 26) for i in range(3_000))


def test_a_long_unbroken_word_is_whole_in_the_pdf_text_and_as_written_elsewhere(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The chapter's first paragraph: its lead-in (letter-spaced small capitals) stops short of it.
    text = HEAD + 'Before ' + WORD + ' after.\n\nAgain ' + WORD + '\n'
    book = write_files(tmp_path / 'book', {'01.md': text})
    status = main([str(book), '-o', str(tmp_path / 'out'), '-f', 'pdf,epub,html'])
    assert status == 0, capsys.readouterr().err
    pdf = subprocess.run(['pdftotext', str(next((tmp_path / 'out').glob('*.pdf'))), '-'],
                         capture_output=True, text=True, check=True).stdout
    assert '\u200b' not in pdf
    for before, after in (('Before', ' after.'), ('Again', '')):
        lines = pdf[pdf.index(before + ' '):].split('\n')
        assert lines[0].startswith(before + ' ' + WORD[:8])  # it breaks in the line it starts
        # Each line a piece of it, in order, and nothing between the pieces but a page's foot and
        # head (its number, the running title in capitals).
        kept = [line for line in (line.strip('\x0c') for line in lines)
                if not (line.isdigit() or line.isupper())]
        assert ''.join(kept).startswith(before + ' ' + WORD + after)
        assert all(40 <= len(line) <= 70 for line in kept[1:20])  # (a page's measure)
    epub = Epub(next((tmp_path / 'out').glob('*.epub')))
    chapter = next(text for name in epub.zip.namelist()
                   if 'Before' in (text := epub.read(name).decode('utf-8', 'replace')))
    web = (tmp_path / 'out' / 'html' / 'index.html').read_text(encoding='utf-8')
    for markup in (chapter, web):
        assert 'Before ' + WORD + ' after.' in markup
