"""Fixtures: the shipped essay built once per session, and small books in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from makebook.cli import main
from makebook.model import RenderedBook
from tests.tools import NESTED_BOOK, REPO, write_files

ESSAY_EPOCH = '1764288000'  # 2025-11-28: pins every date in the outputs


def pytest_configure(config: pytest.Config) -> None:
    # The CJK faces the tests make (theme/cjk.py) go to a folder of the run's own, not the
    # user's cache. Set here, before any session fixture builds a book; worker processes inherit it.
    import os
    import tempfile

    if not os.environ.get('MAKEBOOK_FACES'):
        _made_faces.append(tempfile.mkdtemp(prefix='make-book-test-faces-'))
        os.environ['MAKEBOOK_FACES'] = _made_faces[-1]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _made_faces:
        shutil.rmtree(_made_faces.pop(), ignore_errors=True)


_made_faces: list[str] = []  # the folder pytest_configure made, to remove at the end


@pytest.fixture(autouse=True)
def _pinned_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)


@pytest.fixture(scope='session')
def essay_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ for the shipped manuscript, all three formats (built once)."""
    out = tmp_path_factory.mktemp('essay') / 'build'
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
        status = main([str(REPO / 'manuscript'), '-o', str(out), '-q'])
    assert status == 0
    return out


@pytest.fixture(scope='session')
def features_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ for tests/books/epub-features, all three formats (built once)."""
    return _build_once(tmp_path_factory, 'epub-features')


@pytest.fixture(scope='session')
def rtl_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ for the right-to-left (Hebrew) sample, all three formats (built once).

    Its Hebrew is set in Frank Ruhl Libre, the Hebrew face of faces.py.
    """
    return _build_once(tmp_path_factory, 'rtl-sample')


@pytest.fixture(scope='session')
def languages_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ for tests/books/languages (a French book with a German and a Spanish chapter),
    all three formats (built once)."""
    return _build_once(tmp_path_factory, 'languages')


@pytest.fixture(scope='session')
def languages_ar_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ for tests/books/languages-ar (an Arabic book), EPUB and web edition (built once;
    the right-to-left PDF is the Hebrew sample's)."""
    return _build_once(tmp_path_factory, 'languages-ar', '--format', 'epub,html')


@pytest.fixture(scope='session')
def cjk_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ for tests/books/cjk (a Chinese book with a Japanese chapter), all three formats
    (built once): set in Noto Sans CJK SC, made for the book (theme/cjk.py)."""
    return _build_once(tmp_path_factory, 'cjk')


def _build_once(tmp_path_factory: pytest.TempPathFactory, name: str, *options: str) -> Path:
    out = tmp_path_factory.mktemp(name) / 'build'
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
        status = main([str(REPO / 'tests' / 'books' / name), '-o', str(out), '-q', *options])
    assert status == 0
    return out


@pytest.fixture
def write_book(tmp_path: Path):
    """Write a small manuscript: write_book({'01.md': '# A', ...}) -> its folder."""
    def write(files: dict[str, str | bytes], name: str = 'manuscript') -> Path:
        folder = tmp_path / name
        folder.mkdir(parents=True, exist_ok=True)
        return write_files(folder, files)
    return write


@pytest.fixture(scope='session')
def nested_book(tmp_path_factory: pytest.TempPathFactory) -> RenderedBook:
    """tests.tools.NESTED_BOOK rendered (a dedication, a part, a sub-chapter, links across files)."""
    from makebook.render import render_book
    from makebook.source import read_manuscript

    folder = write_files(tmp_path_factory.mktemp('nested') / 'manuscript', NESTED_BOOK)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
        book = render_book(read_manuscript(folder))
    assert book.diagnostics == ()
    return book


@pytest.fixture
def copy_book(tmp_path: Path):
    """Copy a fixture book from tests/books/<name> into tmp_path."""
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(REPO / 'tests' / 'books' / name, target)
        return target
    return copy


@pytest.fixture(scope='session')
def print_features_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The print-features fixture book's PDF, default settings (built once: ~15 s)."""
    out = tmp_path_factory.mktemp('print-features') / 'build'
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
        status = main([str(REPO / 'tests' / 'books' / 'print-features'), '-o', str(out), '-q',
                       '--format', 'pdf'])
    assert status == 0
    return out / 'the-print-features-book.pdf'
