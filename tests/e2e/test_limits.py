"""A PDF render that runs away is stopped by a time or memory bound, with the stage named."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from tests.tools import make_book

HEAD = '---\ntitle: Bounds\nauthor: A\nlang: en\n---\n# A\n\nText.\n'


def enormous_png(path: Path, side: int = 12000) -> None:
    """A grey PNG of side x side pixels (432 MB decoded) that is under a megabyte on disk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    compressor = zlib.compressobj(9)
    row = b'\x00' + b'\x80' * (side * 3)
    body = b''.join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack('>IIBBBBB', side, side, 8, 2, 0, 0, 0)
    path.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', body)
                     + chunk(b'IEND', b''))


def test_a_time_bound_stops_the_pdf_and_keeps_the_old_one(capsys, write_book, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'bounds.pdf').write_bytes(b'the previous PDF')
    monkeypatch.setenv('MAKEBOOK_PDF_SECONDS', '0.2')
    run = make_book(capsys, write_book({'01.md': HEAD}), '-o', out, '--format', 'pdf')
    assert run.status == 4
    assert 'PDF: stopped after 0.2 seconds' in run.err
    assert 'MAKEBOOK_PDF_SECONDS' in run.err
    assert (out / 'bounds.pdf').read_bytes() == b'the previous PDF'


# Pillow warns about (but decodes) images over 89 Mpixels; pytest would make that an error.
@pytest.mark.filterwarnings('ignore::PIL.Image.DecompressionBombWarning')
def test_an_enormous_image_hits_the_memory_bound(capsys, write_book, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    book = write_book({'01.md': HEAD + '\n![A huge grey field](huge.png)\n'})
    enormous_png(book / 'huge.png')
    monkeypatch.setenv('MAKEBOOK_PDF_MEMORY_MB', '350')
    run = make_book(capsys, book, '-o', tmp_path / 'out', '--format', 'pdf')
    assert run.status == 4, run.err
    assert run.err.count('PDF: ') == 1
    assert 'memory' in run.err
    assert 'Traceback' not in run.err
    assert not (tmp_path / 'out' / 'bounds.pdf').exists()


@pytest.mark.parametrize('value', ['soon', '0', '-5'])
def test_a_bad_bound_is_a_clear_error(capsys, write_book, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv('MAKEBOOK_PDF_SECONDS', value)
    run = make_book(capsys, write_book({'01.md': HEAD}), '-o', tmp_path / 'out', '--format', 'pdf')
    assert run.status == 1
    assert 'MAKEBOOK_PDF_SECONDS' in run.err
