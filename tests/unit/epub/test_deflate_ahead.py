"""The EPUB's entries deflated ahead in threads (epub/package.py's Deflater) make the very
archive ZipFile.writestr deflating each entry in turn makes, byte for byte."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import io
import os
import zipfile

import pytest

from makebook.epub import package, write_epub
from makebook.model import RenderedBook
from makebook.theme import deflated

WHEN = dt.datetime(2025, 11, 28, tzinfo=dt.UTC)


def stored_zip(entries: dict[str, bytes]) -> bytes:
    """An archive of ``entries``, stored, in the given order (as ebooklib writes it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ENTRIES = {
    'mimetype': b'application/epub+zip',
    'META-INF/container.xml': b'<?xml version="1.0"?><container/>',
    'EPUB/empty.txt': b'',
    'EPUB/one.txt': b'x',
    'EPUB/text/chapter.xhtml': ('<p>Le c\u0153ur \u2019 de la mer.</p>\n' * 4000).encode(),
    'EPUB/fonts/noise.ttf': os.urandom(300_000),  # does not deflate: stored bigger than it is
    'EPUB/images/a.png': b'\x89PNG' + bytes(range(256)) * 500,
    'EPUB/images/same-as-a.png': b'\x89PNG' + bytes(range(256)) * 500,
    'EPUB/content.opf': b'<package/>',
}


@pytest.mark.parametrize('early', [(), ('EPUB/fonts/noise.ttf', 'EPUB/images/a.png')])
def test_an_archive_deflated_ahead_is_the_archive_deflated_in_turn(early: tuple[str, ...]) -> None:
    data = stored_zip(ENTRIES)
    rewrite = {'EPUB/content.opf': lambda opf: opf.replace(b'/>', b' version="3.0"/>')}
    in_turn = package.reproducible_zip(data, WHEN, rewrite)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        deflater = package.Deflater(pool)
        for name in early:  # as build_package gives the fonts and images before the archive
            deflater.ahead(ENTRIES[name])
        ahead = package.reproducible_zip(data, WHEN, rewrite, deflater)
    assert ahead == in_turn
    with zipfile.ZipFile(io.BytesIO(ahead)) as archive:
        assert archive.testzip() is None
        assert archive.read('EPUB/content.opf') == b'<package version="3.0"/>'
        assert all(archive.read(name) == content for name, content in ENTRIES.items()
                   if name != 'EPUB/content.opf')
        assert archive.getinfo('EPUB/fonts/noise.ttf').compress_type == zipfile.ZIP_DEFLATED
        assert archive.getinfo('mimetype').compress_type == zipfile.ZIP_STORED


def test_write_epub_makes_the_same_bytes_with_nothing_deflated_ahead(
        nested_book: RenderedBook, monkeypatch: pytest.MonkeyPatch) -> None:
    ahead = write_epub(nested_book)
    monkeypatch.setattr(package.Deflater, 'deflated', lambda self, content: None)  # every entry by writestr
    assert write_epub(nested_book) == ahead


def test_entries_deflated_before_the_epub_was_begun_make_the_same_archive() -> None:
    """deflate_early (the book face's fonts, while the book is still converted): the first
    Deflater given the same bytes takes the deflate already done, and the archive is the same."""
    data = stored_zip(ENTRIES)
    in_turn = package.reproducible_zip(data, WHEN)
    unused = b'a font this book does not have' * 100
    deflated.deflate_early([ENTRIES['EPUB/fonts/noise.ttf'], ENTRIES['EPUB/images/a.png'], unused])
    started = dict(deflated._EARLY)
    assert len(started) == 3
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        deflater = package.Deflater(pool)
        font = bytes(ENTRIES['EPUB/fonts/noise.ttf'])  # equal bytes read again: another object
        deflater.ahead(font)
        assert deflater._ahead[font] is started[font]  # taken, not deflated again
        ahead = package.reproducible_zip(data, WHEN, deflater=deflater)
    assert ahead == in_turn
    assert list(deflated._EARLY) == [unused]  # the one no archive took
    queued = deflated._EARLY[unused]
    deflated.deflate_early([unused])  # asked for again (the command, then the build): the same
    assert deflated._EARLY[unused] is queued and len(deflated._EARLY) == 1
    deflated.deflate_early([])  # a later call drops what no EPUB took and it does not ask for
    assert deflated._EARLY == {}


@pytest.mark.parametrize(('formats', 'jobs'), [(('epub', 'html'), 0), (('epub',), 1), (('pdf', 'epub'), 0)])
def test_write_epub_makes_the_same_bytes_with_what_it_needs_begun_early(
        nested_book: RenderedBook, formats: tuple[str, ...], jobs: int) -> None:
    """start_early (build.py calls it once the metadata is read): the book face deflated and the
    typographic cover drawn in a child (not with -j 1, nor with a PDF), each taken up by the EPUB:
    the same bytes."""
    from types import SimpleNamespace

    from makebook.epub import cover, start_early

    in_turn = write_epub(nested_book)
    start_early(SimpleNamespace(metadata=nested_book.metadata), formats, jobs)  # type: ignore[arg-type]
    assert len(deflated._EARLY) >= 4  # the book face's files (regular, italic, bold...)
    drawing = cover._early
    assert (drawing is None) == (jobs == 1 or 'pdf' in formats)
    assert write_epub(nested_book) == in_turn
    assert deflated._EARLY == {} and cover._early is None  # every one taken by that EPUB
    assert drawing is None or drawing[2].pid is None  # the child waited for


def test_a_cover_drawn_early_for_other_metadata_is_not_used(nested_book: RenderedBook) -> None:
    import dataclasses

    from makebook.epub import cover

    other = dataclasses.replace(nested_book.metadata, title='Another Title')
    cover.draw_early(other)
    drawing = cover._early
    assert drawing is not None
    assert cover.cover_image(nested_book.metadata).data == cover.typographic_cover(nested_book.metadata)
    assert cover._early is None and drawing[2].pid is None
    cover.draw_early(other)
    replaced = cover._early
    cover.draw_early(other)  # a later build's replaces it: the first child stopped
    assert replaced is not None and replaced[2].pid is None
    assert cover.cover_image(other).data == cover.typographic_cover(other)


def test_a_process_forked_since_takes_nothing_begun_early(nested_book: RenderedBook) -> None:
    """A worker forked after the cover was begun and the fonts queued (the books of
    'make-book build a/ b/' each in a worker) has neither that child nor that thread: it draws
    and deflates its own, and the one that began them still takes them."""
    from types import SimpleNamespace

    from makebook.epub import cover, start_early

    in_turn = write_epub(nested_book)
    start_early(SimpleNamespace(metadata=nested_book.metadata), ('epub',), 0)  # type: ignore[arg-type]
    drawing = cover._early
    assert drawing is not None
    pid = os.fork()
    if pid == 0:
        same = write_epub(nested_book) == in_turn
        os._exit(0 if same and drawing[2].pid is not None else 1)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    assert cover._early is drawing and deflated._EARLY  # still there, for this process
    assert write_epub(nested_book) == in_turn
    assert cover._early is None and drawing[2].pid is None
