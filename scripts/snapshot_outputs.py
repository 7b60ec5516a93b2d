"""Record what make-book makes of every fixture book and the essay, for comparing two versions.

    python scripts/snapshot_outputs.py OUTDIR [BOOK ...]

For each book (default: manuscript/ and every folder of tests/books/) it builds all
formats, then the EPUB alone, with SOURCE_DATE_EPOCH pinned, and writes under
OUTDIR/<book>/: the exit status and stderr, every EPUB entry unzipped (plus the
EPUB's sha256), the PDF's page count and text per page (pdftotext), and the web
edition's files. ``diff -r BEFORE AFTER`` then shows every difference.
Nothing is asserted: this is a tool for a person reviewing a change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EPOCH = '1764288000'


def books() -> list[Path]:
    return [REPO / 'manuscript', *sorted(p for p in (REPO / 'tests' / 'books').iterdir() if p.is_dir())]


def build(book: Path, out: Path, *options: str) -> tuple[int, str]:
    env = {**os.environ, 'SOURCE_DATE_EPOCH': EPOCH}
    run = subprocess.run([sys.executable, '-m', 'makebook', 'build', str(book), '-o', str(out), *options],
                         capture_output=True, text=True, env=env, check=False)
    return run.returncode, run.stderr.replace(str(out), 'OUT').replace(str(REPO), 'REPO')


def unzip(epub: Path, target: Path) -> None:
    target.mkdir(parents=True)
    (target.parent / f'{target.name}.sha256').write_text(hashlib.sha256(epub.read_bytes()).hexdigest() + '\n')
    with zipfile.ZipFile(epub) as archive:
        (target.parent / f'{target.name}.entries').write_text('\n'.join(archive.namelist()) + '\n')
        archive.extractall(target)


def pdf_pages(pdf: Path, target: Path) -> None:
    target.mkdir(parents=True)
    info = subprocess.run(['pdfinfo', str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith('Pages:')))
    (target / 'pages.txt').write_text(f'{pages}\n')
    for page in range(1, pages + 1):
        text = subprocess.run(['pdftotext', '-f', str(page), '-l', str(page), '-layout', str(pdf), '-'],
                              capture_output=True, text=True, check=True).stdout
        (target / f'page-{page:04d}.txt').write_text(text)


def snapshot(book: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / 'build'
        status, err = build(book, out)
        target.mkdir(parents=True)
        (target / 'status.txt').write_text(f'{status}\n{err}')
        for epub in out.glob('*.epub'):
            unzip(epub, target / 'epub')
        for pdf in out.glob('*.pdf'):
            pdf_pages(pdf, target / 'pdf')
        if (out / 'html').is_dir():
            shutil.copytree(out / 'html', target / 'html')
        only = Path(folder) / 'epub-only'
        status, err = build(book, only, '--format', 'epub')
        (target / 'epub-only-status.txt').write_text(f'{status}\n{err}')
        for epub in only.glob('*.epub'):
            unzip(epub, target / 'epub-only')


def main() -> None:
    out = Path(sys.argv[1])
    chosen = [Path(a).resolve() for a in sys.argv[2:]] or books()
    for book in chosen:
        print(f'{book.name} ...', flush=True)
        snapshot(book, out / book.name)


if __name__ == '__main__':
    main()
