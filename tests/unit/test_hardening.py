"""Issue 10, robustness: every example of the issue (and variants) ends with a clear message naming
the file and line, with a code and no traceback, or with a correct build.

The manuscripts are built in-process through ``main``; each case says which file and line the
message must name. Cases that need the file system to misbehave (a FIFO, a device, a file the
build may not read) make it so.
"""

from __future__ import annotations

import errno
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tools import make_book

HEAD = '---\ntitle: T\nauthor: A\nlang: en\n---\n'
MDBOOK = {'book.toml': '[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\n',
          'src/SUMMARY.md': '# Summary\n\n- [A](a.md)\n'}


def build(capsys, folder: Path, tmp_path: Path, formats: str = 'epub,html'):
    return make_book(capsys, folder, '-o', tmp_path / 'out', '--format', formats)


def located(err: str, file: str, line: int | None, code: str, *fragments: str) -> bool:
    """Whether one line of ``err`` is 'FILE:LINE: CODE error|warning: ...' with the fragments."""
    where = re.escape(file) + (f':{line}' if line is not None else r'(:\d+)?')
    pattern = re.compile(rf'(^|/){where}: {code} (error|warning): ')
    return any(pattern.search(text) and all(f in text for f in fragments) for text in err.splitlines())


# name: (files, (file, line, code, fragments...)); each must exit 1 with that message.
REFUSED: dict[str, tuple[dict[str, str | bytes], tuple]] = {
    'date: 2026-02-30': ({'01.md': HEAD.replace('lang: en\n', 'lang: en\ndate: 2026-02-30\n') + '# A\n'},
                         ('01.md', 5, 'MB130', "'2026-02-30' is not a date")),
    'a date in metadata.yaml': ({'metadata.yaml': 'title: T\nlang: en\ndate: 2026-02-30\n', 'a.md': '# A\n'},
                                ('metadata.yaml', 3, 'MB130', '2026-02-30')),
    'a timestamp past midnight': ({'01.md': '---\ntitle: T\ndate: 2026-02-28 25:61:00\n---\n# A\n'},
                                  ('01.md', 3, 'MB130', 'is not a date')),
    'a 5,000-digit number': ({'01.md': f'---\ntitle: T\ndescription: {"7" * 5000}\n---\n# A\n'},
                             ('01.md', 3, 'MB203', 'a number of 5,000 digits')),
    'a hex number of 4,000 digits': (
        {'metadata.yaml': f'title: T\nseries: {{name: S, index: 0x{"f" * 4000}}}\n', 'a.md': '# A\n'},
        ('metadata.yaml', 2, 'MB203', 'digits')),
    'chapters: a part whose chapters are a number': (
        {'metadata.yaml': 'title: T\nchapters:\n  - a.md\n  - part: P\n    chapters: 5\n', 'a.md': '# A\n'},
        ('metadata.yaml', 5, 'MB221', "'chapters:' must be a list", 'the number 5')),
    'chapters: a 300-character name': (
        {'metadata.yaml': f'title: T\nchapters:\n  - a.md\n  - {"x" * 300}.md\n', 'a.md': '# A\n'},
        ('metadata.yaml', 4, 'MB221', 'not a name a file can have')),
    'chapters: a NUL in a name': (
        {'metadata.yaml': 'title: T\nchapters:\n  - a.md\n  - "b\\0.md"\n', 'a.md': '# A\n'},
        ('metadata.yaml', 4, 'MB221')),
    'chapters: a number': ({'metadata.yaml': 'title: T\nchapters:\n  - a.md\n  - 42\n', 'a.md': '# A\n'},
                           ('metadata.yaml', 4, 'MB221', 'the number 42')),
    'chapters: a list as the file': (
        {'metadata.yaml': 'title: T\nchapters:\n  - a.md\n  - file: [a.md, b.md]\n', 'a.md': '# A\n'},
        ('metadata.yaml', 4, 'MB221', 'a list')),
    'chapters: a 5,000-character path': (
        {'metadata.yaml': 'title: T\nchapters:\n  - a.md\n  - ' + 'd/' * 2500 + 'x.md\n', 'a.md': '# A\n'},
        ('metadata.yaml', 4, 'MB221')),
    'Book.txt not UTF-8': ({'Book.txt': 'a.md\ncaf\xe9.md\n'.encode('latin-1'), 'a.md': HEAD + '# A\n'},
                           ('Book.txt', 2, 'MB201', 'not valid UTF-8')),
    'SUMMARY.md not UTF-8': (
        {**MDBOOK, 'src/SUMMARY.md': '# Summary\n\n- [Caf\xe9](a.md)\n'.encode('latin-1'),
         'src/a.md': '# A\n'},
        ('SUMMARY.md', 3, 'MB201')),
    '_quarto.yml not UTF-8': (
        {'_quarto.yml': 'book:\n  title: Caf\xe9\n  chapters: [a.md]\n'.encode('latin-1'),
         'a.md': HEAD + '# A\n'},
        ('_quarto.yml', 2, 'MB201')),
    'book.toml not UTF-8': ({**MDBOOK, 'book.toml': '[book]\ntitle = "Caf\xe9"\n'.encode('latin-1'),
                             'src/a.md': '# A\n'}, ('book.toml', 2, 'MB201')),
    'metadata.yaml not UTF-8': ({'metadata.yaml': 'title: Caf\xe9\nlang: en\n'.encode('latin-1'),
                                 'a.md': '# A\n'}, ('metadata.yaml', 1, 'MB201')),
    'an include not UTF-8': ({**MDBOOK, 'src/a.md': '# A\n\n{{#include part.md}}\n',
                              'src/part.md': 'Line one.\nCaf\xe9 au lait.\n'.encode('latin-1')},
                             ('part.md', 2, 'MB201', 'not valid UTF-8')),
    'an include of lines not UTF-8': ({**MDBOOK, 'src/a.md': '# A\n\n{{#include part.md:1:2}}\n',
                                       'src/part.md': 'One.\nCaf\xe9.\n'.encode('latin-1')},
                                      ('part.md', 2, 'MB201')),
    'includes that multiply': (  # each file includes the next four times: 4^8 copies of the last
        {**MDBOOK, 'src/a.md': '# A\n\n' + '{{#include f1.md}}\n\n' * 4, 'src/f8.md': 'x' * 4000 + '\n',
         **{f'src/f{i}.md': f'{{{{#include f{i + 1}.md}}}}\n\n' * 4 for i in range(1, 8)}},
        ('f7.md', None, 'MB222', 'add up to more')),
}


@pytest.mark.parametrize('name', REFUSED)
def test_each_is_a_clear_error_at_its_file_and_line(name: str, capsys, write_book, tmp_path: Path) -> None:
    files, (file, line, code, *fragments) = REFUSED[name]
    run = build(capsys, write_book(files), tmp_path)
    assert run.status == 1, run.err
    assert 'Traceback' not in run.err
    assert located(run.err, file, line, code, *fragments), run.err


def test_a_key_given_twice_is_a_warning_at_the_second(capsys, write_book, tmp_path: Path) -> None:
    text = '---\ntitle: A\nauthor: T\nlang: en\ntitle: B\n---\n# A\n\nx\n'
    run = build(capsys, write_book({'01.md': text}), tmp_path)
    assert run.status == 0, run.err
    assert located(run.err, '01.md', 5, 'MB220', "'title' is given twice")
    assert zipfile.ZipFile(tmp_path / 'out' / 'b.epub')  # the second title named the book


# ---- files that are not files, or that cannot be read

def fifo(path: Path) -> None:
    os.mkfifo(path)


SPECIAL: dict[str, tuple[Callable[[Path], object], tuple]] = {
    'a chapter that is a FIFO': (lambda book: fifo(book / '02.md'), ('02.md', None, 'MB200', 'FIFO')),
    'a chapter linked to /dev/zero': (lambda book: (book / '02.md').symlink_to('/dev/zero'),
                                      ('02.md', None, 'MB200', 'outside the manuscript folder')),
    'a chapter that is a loop of links': (lambda book: (book / '02.md').symlink_to('02.md'),
                                          ('02.md', None, 'MB200', 'loop')),
    'an image that is a FIFO': (lambda book: (fifo(book / 'pic.png'), (book / '01.md').write_text(
        HEAD + '# One\n\n![A picture](pic.png)\n')), ('01.md', 8, 'MB305', 'FIFO')),
    'a stylesheet that is a FIFO': (lambda book: (fifo(book / 'house.css'), (book / '01.md').write_text(
        HEAD.replace('lang: en\n', 'lang: en\ncss: house.css\n') + '# One\n')),
        ('01.md', 5, 'MB111', 'FIFO')),
    'metadata.yaml that is a FIFO': (lambda book: fifo(book / 'metadata.yaml'),
                                     ('metadata.yaml', None, 'MB200', 'FIFO')),
    'a cover linked to /dev/zero': (lambda book: ((book / 'c.png').symlink_to('/dev/zero'), (
        book / '01.md').write_text(HEAD.replace('lang: en\n', 'lang: en\ncover-image: c.png\n') + '# A\n')),
        ('01.md', 5, 'MB109', 'outside the manuscript folder')),
}


@pytest.mark.parametrize('name', SPECIAL)
def test_a_special_file_is_never_read_and_always_named(name: str, capsys, write_book, tmp_path: Path) -> None:
    make, (file, line, code, *fragments) = SPECIAL[name]
    book = write_book({'01.md': HEAD + '# One\n\nText.\n'})
    make(book)
    run = build(capsys, book, tmp_path)
    assert run.status == 1, run.err
    assert located(run.err, file, line, code, *fragments), run.err


def test_a_chapter_the_build_may_not_read_is_named(capsys, write_book, tmp_path: Path, monkeypatch) -> None:
    """As root the test cannot take the permission away; the system says no instead."""
    book = write_book({'01.md': HEAD + '# One\n', '02.md': '# Two\n\nSecret.\n'})
    real_open = os.open

    def refusing(path, *args, **kwargs):
        if str(path).endswith('02.md'):
            raise PermissionError(errno.EACCES, 'Permission denied', str(path))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, 'open', refusing)
    run = build(capsys, book, tmp_path)
    assert run.status == 1
    assert located(run.err, '02.md', None, 'MB200', 'cannot be read (permission denied)'), run.err


def test_a_chapter_past_the_size_cap_is_refused_unread(capsys, write_book, tmp_path: Path) -> None:
    book = write_book({'01.md': HEAD + '# One\n'})
    with open(book / '02.md', 'wb') as stream:
        stream.truncate(500 * 1024 * 1024)  # sparse: 500 MB of NULs that take no disk
    run = build(capsys, book, tmp_path)
    assert run.status == 1
    assert located(run.err, '02.md', None, 'MB200', 'is 500 MB, more than the 16 MB'), run.err


# ---- the environment

@pytest.mark.parametrize(('name', 'value'), [
    ('MAKEBOOK_PDF_SECONDS', 'inf'), ('MAKEBOOK_PDF_SECONDS', 'nan'), ('MAKEBOOK_PDF_MEMORY_MB', 'nan'),
    ('MAKEBOOK_IMAGE_MEGAPIXELS', 'nan'), ('MAKEBOOK_IMAGE_MEGAPIXELS', 'inf'),
    ('MAKEBOOK_PDF_SECONDS', '-1'),
])
def test_a_bound_that_is_not_a_number_is_refused_up_front(name: str, value: str, capsys, write_book,
                                                          tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(name, value)
    run = build(capsys, write_book({'01.md': HEAD + '# One\n\nText.\n'}), tmp_path)
    assert run.status == 1
    assert f'MB005 error: {name}=' in run.err and 'Traceback' not in run.err
    assert not (tmp_path / 'out').exists()


@pytest.mark.parametrize('value', ['99999999999999', '-99999999999', '1' * 40, 'soon'])
def test_a_source_date_out_of_range_is_refused(value: str, capsys, write_book, tmp_path: Path,
                                               monkeypatch) -> None:
    monkeypatch.setenv('SOURCE_DATE_EPOCH', value)
    run = build(capsys, write_book({'01.md': HEAD + '# One\n\nText.\n'}), tmp_path)
    assert run.status == 1
    assert 'MB004 error: SOURCE_DATE_EPOCH=' in run.err and 'Traceback' not in run.err


# ---- the output folder

def test_a_long_title_gives_a_short_file_name_up_front(capsys, write_book, tmp_path: Path) -> None:
    title = 'A ' + 'very ' * 59 + 'long title'
    run = build(capsys, write_book({'01.md': HEAD.replace('title: T', f'title: {title}') + '# One\n\nx\n'}),
                tmp_path)
    assert run.status == 0, run.err
    epub = next((tmp_path / 'out').glob('*.epub'))
    assert epub.name == 'a-very-very-very-very-very-very-very-very-very-very-very-very-very-very-very.epub'


def test_an_output_folder_that_cannot_be_written_is_exit_4(capsys, write_book, tmp_path: Path,
                                                           monkeypatch) -> None:
    from makebook.safety import output

    def refused(*args: object, **kwargs: object) -> None:  # root may write anywhere: the system says no
        raise PermissionError(errno.EACCES, 'Permission denied', str(tmp_path / 'out'))
    monkeypatch.setattr(output, '_stage', refused)
    run = build(capsys, write_book({'01.md': HEAD + '# One\n\nText.\n'}), tmp_path)
    assert run.status == 4
    assert 'MB012 error:' in run.err and 'permission denied' in run.err and 'Traceback' not in run.err
