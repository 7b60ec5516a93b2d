"""make-book new starts a book that builds at once; make-book clean removes only what make-book made."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tools import make_book


def test_a_new_book_builds_into_its_own_folder_with_every_promised_part(capsys, tmp_path: Path,
                                                                         monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = make_book(capsys, 'new', 'my-novel', '--title', 'The Long Harbour', '--author', 'Ann Lee',
                    '--lang', 'en-GB')
    assert run.status == 0, run.err
    assert 'make-book serve my-novel' in run.out
    book = tmp_path / 'my-novel'
    metadata = (book / 'manuscript' / 'metadata.yaml').read_text(encoding='utf-8')
    assert 'title: "The Long Harbour"' in metadata and 'author: "Ann Lee"' in metadata
    assert 'lang: en-GB' in metadata
    for key in ('subtitle', 'date', 'rights', 'description', 'isbn', 'cover-image', 'trim-size', 'notes'):
        assert f'{key}:' in metadata, key  # every common key shown, commented out
    chapters = ''.join(p.read_text(encoding='utf-8') for p in sorted((book / 'manuscript').glob('*.md')))
    for shown in ('[^marks]', '![The harbour wall', '\n***\n', '](02-the-second-chapter.md)',
                  '](01-the-first-chapter.md#a-section)'):
        assert shown in chapters, shown
    assert (book / '.gitignore').read_text(encoding='utf-8').splitlines()[-1] == '/build/'

    built = make_book(capsys, 'build', 'my-novel', '-f', 'epub,html', '--strict')  # no warning at all
    assert built.status == 0, built.err
    assert built.out.splitlines() == ['my-novel/build/the-long-harbour.epub',
                                      'my-novel/build/html/index.html']
    page = (book / 'build' / 'html' / 'index.html').read_text(encoding='utf-8')
    assert 'images/harbour.png' in page and 'The harbour wall at dusk' in page
    monkeypatch.chdir(book)  # inside the project, plain make-book builds it to the same place
    assert make_book(capsys, '-f', 'html', '-q').status == 0


def test_new_refuses_a_folder_that_is_not_empty(capsys, tmp_path: Path) -> None:
    (tmp_path / 'book').mkdir()
    (tmp_path / 'book' / 'draft.md').write_text('mine', encoding='utf-8')
    run = make_book(capsys, 'new', tmp_path / 'book')
    assert run.status == 2
    assert 'MB040 error' in run.err and 'not an empty folder' in run.err
    assert [p.name for p in (tmp_path / 'book').iterdir()] == ['draft.md']
    assert make_book(capsys, 'new', tmp_path / 'x', '--lang', 'english').status == 2


def test_clean_removes_the_outputs_and_cache_and_nothing_else(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert make_book(capsys, 'new', 'book', '-q').status == 0
    assert make_book(capsys, 'build', 'book', '-f', 'epub,html', '-q').status == 0
    out = tmp_path / 'book' / 'build'
    (out / 'notes.txt').write_text('mine', encoding='utf-8')
    (out / 'html' / 'mine.css').write_text('mine', encoding='utf-8')
    (out / '.make-book-cache').mkdir(exist_ok=True)
    (out / '.make-book-tmp-x').write_text('left by a killed build', encoding='utf-8')
    run = make_book(capsys, 'clean', 'book')
    assert run.status == 0, run.err
    assert sorted(str(p.relative_to(out)) for p in out.rglob('*')) == ['html', 'html/mine.css', 'notes.txt']
    assert 'removed book/build/book.epub' in run.out
    (out / 'notes.txt').unlink()
    (out / 'html' / 'mine.css').unlink()
    assert make_book(capsys, 'clean', 'book').status == 0
    assert not out.exists()  # empty: gone
    assert sorted(p.name for p in (tmp_path / 'book').iterdir()) == ['.gitignore', 'manuscript']


def test_clean_never_touches_a_folder_holding_the_manuscript(capsys, write_book, tmp_path: Path) -> None:
    folder = write_book({'01.md': '---\ntitle: T\n---\n# A\n\nx', 't.epub': 'not ours'})
    run = make_book(capsys, 'clean', folder, '-o', folder.parent)
    assert run.status == 4 and 'must not be the manuscript folder' in run.err
    assert (folder / '01.md').exists()


@pytest.mark.parametrize(('typed', 'meant'), [('serv', 'serve'), ('init', 'new'), ('biuld', 'build'),
                                              ('lint', 'check')])
def test_an_unknown_command_gets_a_did_you_mean(capsys, typed: str, meant: str, tmp_path: Path,
                                                 monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = make_book(capsys, typed)
    assert run.status == 2
    assert f"'{typed}' is not a make-book command; did you mean '{meant}'?" in run.err


def test_no_manuscript_here_says_what_was_looked_for_and_suggests_new(capsys, tmp_path: Path,
                                                                     monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'chapters').mkdir()
    (tmp_path / 'chapters' / '01.md').write_text('# One\n', encoding='utf-8')
    run = make_book(capsys)
    assert run.status == 1
    assert 'MB001 error: no manuscript here: looked for ./manuscript/' in run.err
    assert 'make-book build chapters' in run.err and 'make-book new my-book' in run.err
