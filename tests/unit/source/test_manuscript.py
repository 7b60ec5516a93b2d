from __future__ import annotations

import pytest

from makebook.errors import BookError
from makebook.source import read_manuscript
from makebook.source.layouts import natural_key

META = '---\ntitle: T\nauthor: A\nlang: en\n---\n'


def test_files_are_read_in_natural_order(write_book) -> None:
    folder = write_book({'10-c.md': '# C', '2-b.md': '# B', '1-a.md': META + '# A', 'notes.txt': 'x'})
    manuscript = read_manuscript(folder)
    assert [f.name for f in manuscript.files] == ['1-a.md', '2-b.md', '10-c.md']
    assert sorted(['10-x.md', '2-x.md'], key=natural_key) == ['2-x.md', '10-x.md']


def test_front_matter_is_split_off_and_line_numbers_kept(write_book) -> None:
    folder = write_book({'a.md': META + '\n# A\n', 'b.md': '---\nsubtitle: S\n---\n# B'})
    first, second = read_manuscript(folder).files
    assert first.front_matter == {}  # the book's block, consumed as book metadata
    assert second.front_matter == {'subtitle': 'S'}
    assert first.markdown.startswith('\n# A')
    assert first.first_line == 6


def test_metadata_yaml_is_read_and_the_first_file_block_wins(write_book) -> None:
    folder = write_book({'metadata.yaml': 'title: From file\nauthor: Y\nlang: fr\n',
                         'a.md': '---\ntitle: From block\n---\n# A'})
    meta = read_manuscript(folder).metadata
    assert (meta.title, meta.language, meta.authors[0].name) == ('From block', 'fr', 'Y')


def test_a_single_file_is_a_manuscript(write_book) -> None:
    folder = write_book({'book.md': META + '# A\n\ntext'})
    assert read_manuscript(folder / 'book.md').metadata.title == 'T'


def test_bom_and_crlf_are_accepted(write_book) -> None:
    folder = write_book({'a.md': ('\ufeff' + META + '# A\r\n\r\ntext\r\n').encode()})
    manuscript = read_manuscript(folder)
    assert '\r' not in manuscript.files[0].markdown
    assert manuscript.metadata.title == 'T'


def problems_of(excinfo: pytest.ExceptionInfo[BookError]) -> list[str]:
    return [str(d) for d in excinfo.value.diagnostics] or [str(excinfo.value)]


def test_missing_and_empty_folders(tmp_path, write_book) -> None:
    with pytest.raises(BookError, match='no such manuscript'):
        read_manuscript(tmp_path / 'nope')
    with pytest.raises(BookError, match=r'no \.md files'):
        read_manuscript(write_book({'readme.txt': 'x'}))


def test_every_file_problem_is_reported_at_once(write_book) -> None:
    folder = write_book({
        '1.md': META + '# A',
        '2.md': b'# B\n\ncaf\xe9\n',
        '3.md': '---\ntitle: [unclosed\n---\n# C',
        '4.md': '---\n- a list\n---\n# D',
    })
    with pytest.raises(BookError) as excinfo:
        read_manuscript(folder)
    lines = problems_of(excinfo)
    assert len(lines) == 3
    assert lines[0].startswith(f'{folder / "2.md"}:3: MB201 error: not valid UTF-8 (byte 8')
    assert lines[1].startswith(f'{folder / "3.md"}:') and 'broken YAML' in lines[1]
    assert lines[2].startswith(f'{folder / "4.md"}:2: MB204 error: the YAML metadata must be a mapping')


def test_bad_metadata_names_the_key_line(write_book) -> None:
    folder = write_book({'a.md': '---\ntitle: T\nlang: en\nauthor: 42\n---\n# A'})
    with pytest.raises(BookError) as excinfo:
        read_manuscript(folder)
    assert problems_of(excinfo) == [f"{folder / 'a.md'}:4: MB101 error: metadata 'author': "
                                    'expected a name or a list of names, got the number 42']


def test_a_manuscript_of_only_front_matter_is_refused(write_book) -> None:
    with pytest.raises(BookError, match='no text'):
        read_manuscript(write_book({'a.md': META}))


def test_source_date_epoch_sets_the_modified_time(write_book, monkeypatch) -> None:
    folder = write_book({'a.md': META + '# A'})
    monkeypatch.setenv('SOURCE_DATE_EPOCH', '0')
    assert read_manuscript(folder).metadata.modified.year == 1970
    monkeypatch.delenv('SOURCE_DATE_EPOCH')
    assert read_manuscript(folder).metadata.modified.timestamp() == int((folder / 'a.md').stat().st_mtime)
