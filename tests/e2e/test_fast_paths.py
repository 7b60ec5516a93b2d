"""The fast paths make the very book the slow path makes (issue 13).

A book built with a warm cache (each file's conversion reused, the PDF started
from the previous build's page count, its paragraphs set as the last build set
them) or with a damaged cache is compared with the same book built cold: the
EPUB byte for byte, the PDF page by page (page count, text of each page,
outline). Each reuses a session build as the cold one; a book edited after a
build is compared with its own cold build.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from makebook.cache import FOLDER as CACHE
from makebook.cache import Cache
from makebook.pdf import print_edition
from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import BOOKS, REPO, make_book

ESSAY = 'leon-the-professional'


def pages_and_outline(pdf: Path) -> tuple[list[str], list[tuple[int, str, int]]]:
    reader = PdfReader(str(pdf))
    outline: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                outline.append((depth, item.title, reader.get_destination_page_number(item)))
    walk(reader.outline, 0)
    return [page.extract_text() for page in reader.pages], outline


def rebuild_from_cache(cold: Path, into: Path) -> Path:
    """A copy of ``cold``'s output folder with only its cache: the next build is a full one,
    with every cache entry the cold build left."""
    shutil.copytree(cold / CACHE, into / CACHE)
    return into


def test_a_warm_cache_makes_the_same_book(essay_build: Path, tmp_path: Path, capsys) -> None:
    warm = rebuild_from_cache(essay_build, tmp_path / 'warm')
    entries = sorted(p.relative_to(warm) for p in (warm / CACHE).rglob('*.json'))
    assert any('render' in str(p) for p in entries) and any('pdf' in str(p) for p in entries)
    assert any('justify' in str(p) for p in entries)  # the lines chosen for each paragraph
    assert make_book(capsys, REPO / 'manuscript', '-o', warm, '-q').status == 0
    assert (warm / f'{ESSAY}.epub').read_bytes() == (essay_build / f'{ESSAY}.epub').read_bytes()
    assert pages_and_outline(warm / f'{ESSAY}.pdf') == pages_and_outline(essay_build / f'{ESSAY}.pdf')
    assert (warm / 'html' / 'index.html').read_bytes() == (essay_build / 'html' / 'index.html').read_bytes()


def test_a_damaged_cache_is_ignored(print_features_pdf: Path, tmp_path: Path, capsys) -> None:
    """Every entry of the cold build's cache damaged in turn: cut short, emptied, or from another
    version of the cache's format; the build makes them again and the same PDF."""
    damaged = rebuild_from_cache(print_features_pdf.parent, tmp_path / 'damaged')
    entries = sorted((damaged / CACHE).rglob('*.json'))
    assert len(entries) > 3
    for number, entry in enumerate(entries):
        text = entry.read_text(encoding='utf-8')
        entry.write_text([text[: len(text) // 2], '', text.replace('"format":1', '"format":0')][number % 3],
                         encoding='utf-8')
    run = make_book(capsys, BOOKS / 'print-features', '-o', damaged, '-q', '--format', 'pdf')
    assert run.status == 0, run.err
    assert pages_and_outline(damaged / print_features_pdf.name) == pages_and_outline(print_features_pdf)


def test_a_rebuild_after_an_edit_makes_the_pdf_a_cold_build_makes(tmp_path: Path, capsys) -> None:
    """One chapter edited and built over the previous build's cache (its conversions, its page
    count, the lines it chose for each paragraph): the PDF a cold build of the edited book makes."""
    book = shutil.copytree(BOOKS / 'small', tmp_path / 'book')
    warm, cold = tmp_path / 'warm', tmp_path / 'cold'
    assert make_book(capsys, book, '-o', warm, '-q', '--format', 'pdf').status == 0
    opening = book / '01-opening.md'
    opening.write_text(opening.read_text(encoding='utf-8').replace(
        'Chapter two starts mid-file.', 'Chapter two starts in the middle of the file, after a revision '
        'that made this paragraph long enough to be broken into several lines.'), encoding='utf-8')
    assert make_book(capsys, book, '-o', warm, '-q', '--format', 'pdf').status == 0
    assert (warm / CACHE / 'pdf' / 'justify').is_dir()
    assert make_book(capsys, book, '-o', cold, '-q', '--format', 'pdf').status == 0
    pdf = next(warm.glob('*.pdf')).name
    pages, outline = pages_and_outline(warm / pdf)
    assert any('after a revision' in page for page in pages)
    assert (pages, outline) == pages_and_outline(cold / pdf)


def test_an_edited_chapter_is_the_only_one_laid_out_again_and_the_pdf_is_the_cold_one(tmp_path: Path,
                                                                                        capsys) -> None:
    """Each chapter's layout and PDF are kept in the cache (pdf/pieces, one entry a piece, keyed by
    what its layout depends on): after one word of one chapter is edited, only that chapter and
    the contents are laid out again (entries written), the other chapters are taken from the
    cache (their entries read, untouched; the unused swept), and the PDF is byte for byte the
    one a cold build of the edited book makes (the book cuts notes and relaxes paragraphs)."""
    book = shutil.copytree(BOOKS / 'print-features', tmp_path / 'book')
    warm, cold = tmp_path / 'warm', tmp_path / 'cold'
    assert make_book(capsys, book, '-o', warm, '-q', '--format', 'pdf').status == 0
    pieces = warm / CACHE / 'pdf' / 'pieces'
    before = {(path.name, path.stat().st_mtime_ns) for path in pieces.rglob('*.json')}
    assert len(before) >= 6  # five chapters and the contents, some in several layouts
    closing = book / '05-closing.md'
    text = closing.read_text(encoding='utf-8')
    assert ' the ' in text
    closing.write_text(text.replace(' the ', ' a ', 1), encoding='utf-8')
    run = make_book(capsys, book, '-o', warm, '-q', '--format', 'pdf')
    assert run.status == 0, run.err
    # An entry read from the cache is left as it is; a piece laid out is written (again).
    after = {(path.name, path.stat().st_mtime_ns) for path in pieces.rglob('*.json')}
    laid_out, recalled = after - before, after & before
    assert 1 <= len(laid_out) <= 3 and len(recalled) >= 4, (len(laid_out), len(recalled))
    assert make_book(capsys, book, '-o', cold, '-q', '--format', 'pdf').status == 0
    pdf = next(warm.glob('*.pdf')).name
    assert (warm / pdf).read_bytes() == (cold / pdf).read_bytes()


def test_a_chapter_grown_by_pages_lays_out_no_other_chapter_again(tmp_path: Path, capsys) -> None:
    """A body chapter's layout does not depend on the pages before it (its folios are printed at
    the join): a chapter that grows by pages moves every later page number, yet only it and
    the contents are laid out again, and the PDF is byte for byte a cold build's."""
    book = shutil.copytree(BOOKS / 'print-features', tmp_path / 'book')
    warm, cold = tmp_path / 'warm', tmp_path / 'cold'
    assert make_book(capsys, book, '-o', warm, '-q', '--format', 'pdf').status == 0
    pdf = next(warm.glob('*.pdf')).name
    pages_before = len(pages_and_outline(warm / pdf)[0])
    pieces = warm / CACHE / 'pdf' / 'pieces'
    before = {(path.name, path.stat().st_mtime_ns) for path in pieces.rglob('*.json')}
    first = sorted(book.glob('0*.md'))[0]
    grown = ' '.join(['A sentence added to make the first chapter longer by several pages.'] * 40)
    first.write_text(first.read_text(encoding='utf-8') + ('\n\n' + grown) * 6 + '\n', encoding='utf-8')
    run = make_book(capsys, book, '-o', warm, '-q', '--format', 'pdf')
    assert run.status == 0, run.err
    assert len(pages_and_outline(warm / pdf)[0]) >= pages_before + 4
    after = {(path.name, path.stat().st_mtime_ns) for path in pieces.rglob('*.json')}
    laid_out, recalled = after - before, after & before
    assert 1 <= len(laid_out) <= 3 and len(recalled) >= 4, (len(laid_out), len(recalled))
    assert make_book(capsys, book, '-o', cold, '-q', '--format', 'pdf').status == 0
    assert (warm / pdf).read_bytes() == (cold / pdf).read_bytes()


def test_a_rebuild_tells_the_chapters_that_print_page_numbers_their_pages_at_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The page of each id a chapter prints the page of is kept (pdf/references): a chapter
    with a cross-reference, edited, is told the right page in the first round and laid out
    once (not with a guess first, then again)."""
    book = shutil.copytree(BOOKS / 'quarto', tmp_path / 'book')
    out = tmp_path / 'out'
    out.mkdir()
    with caplog.at_level(logging.INFO, logger='makebook'):
        print_edition(render_book(read_manuscript(book)), Cache.in_output_folder(out))
        assert (out / CACHE / 'pdf' / 'references').is_dir()
        intro = book / 'intro.qmd'
        assert '@sec-' in intro.read_text(encoding='utf-8')
        intro.write_text(intro.read_text(encoding='utf-8') + '\nRead it once.\n', encoding='utf-8')
        print_edition(render_book(read_manuscript(book)), Cache.in_output_folder(out))
    told = [record.getMessage() for record in caplog.records if 'chapter pieces' in record.getMessage()]
    assert 'laid out 1 time (1 chapter pieces laid out' in told[-1], told
