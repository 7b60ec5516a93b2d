"""Metadata as authors of pandoc, Quarto, Jekyll, mdBook and Leanpub books write it, and the
messages for what make-book cannot use (misspelt keys, dates that are not dates)."""

from __future__ import annotations

import pytest

from makebook.errors import Severity
from makebook.source import gather_manuscript

TEXT = '# One\n\nText.\n'
HEAD = '---\ntitle: T\nauthor: A\nlang: en\n'


def read(write_book, files: dict):
    manuscript = gather_manuscript(write_book(files))
    return manuscript.metadata, [(d.code, d.path.name if d.path else None, d.line, d.message)
                                 for d in manuscript.diagnostics]


def codes_of(found) -> list[str]:
    return [code for code, *_ in found]


def test_a_misspelt_key_is_a_warning_with_the_key_it_resembles(write_book) -> None:
    meta, found = read(write_book, {'01.md': '---\ntitle: T\nsubtitel: S\ntrimsize: 6x9\nauther: Me\n'
                                             'lang: en\ngeometry: margin=1in\nheader-includes: x\n'
                                             'frobnicate: 3\n---\n' + TEXT})
    unknown = [(line, message) for code, _, line, message in found if code == 'MB131']
    assert unknown == [(3, "metadata 'subtitel': unknown key; did you mean 'subtitle'?"),
                       (4, "metadata 'trimsize': unknown key; did you mean 'trim-size'?"),
                       (5, "metadata 'auther': unknown key; did you mean 'author'?"),
                       (9, "metadata 'frobnicate': unknown key, ignored (make-book does not read it)")]
    assert meta.title == 'T'  # pandoc's own keys (geometry, header-includes) are left alone


def test_a_chapters_own_keys_are_reported_only_when_they_look_misspelt(write_book) -> None:
    _, found = read(write_book, {'01.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n' + TEXT,
                                 '02.md': '---\ntitel: Two\nlayout: post\npermalink: /two/\nmood: x\n---\n'
                                          + TEXT})
    assert [(code, name, line) for code, name, line, _ in found] == [('MB131', '02.md', 2)]


@pytest.mark.parametrize(('written', 'read_as'), [
    ('2026', '2026'), ('2026-11', '2026-11'), ('2026-11-28', '2026-11-28'),
    ("'3/31/1918'", '1918-03-31'), ('March 31, 1918', '1918-03-31'), ('31 March 1918', '1918-03-31'),
    ('1918-03-31T09:30:00Z', '1918-03-31T09:30:00Z'),
])
def test_dates_are_iso_8601_in_the_book(write_book, written: str, read_as: str) -> None:
    meta, found = read(write_book, {'01.md': HEAD + f'date: {written}\n---\n' + TEXT})
    assert meta.date == read_as and found == []


@pytest.mark.parametrize('written', ['yesterday', '2026-02-30', '2026-13', 'soon-ish'])
def test_a_date_that_is_not_one_is_an_error_at_its_line(write_book, written: str) -> None:
    _, found = read(write_book, {'01.md': HEAD + f'date: {written}\n---\n' + TEXT})
    assert [(code, name, line) for code, name, line, _ in found] == [('MB130', '01.md', 5)]
    assert f"'{written}' is not a date" in found[0][3]


def test_after_broken_yaml_there_is_no_misleading_no_title(write_book) -> None:
    _, found = read(write_book, {'metadata.yaml': 'title: [unclosed\nauthor: A\n', '01.md': TEXT})
    assert codes_of(found) == ['MB203']


@pytest.mark.parametrize('name', ['metadata.yaml', 'metadata.yml'])
def test_pandoc_book_template_metadata_between_dashes_with_tabs(write_book, name: str) -> None:
    meta, found = read(write_book, {name: '---\ntitle: T\nauthor: A\nlang: en\n'
                                          'rights: Creative\tCommons\tBY\n---\n', '01.md': TEXT})
    assert (meta.title, meta.rights) == ('T', 'Creative Commons BY') and found == []


def test_pandoc_epub_metadata_lists_are_read(write_book) -> None:
    meta, found = read(write_book, {'metadata.yaml': (
        '---\ntitle:\n- type: main\n  text: Le Lycée\n- type: subtitle\n  text: Un roman\n'
        'creator:\n- role: author\n  text: Emmanuel Bosquet\n- role: translator\n  text: Ann Other\n'
        'identifier:\n- scheme: ISBN\n  text: 978-0-306-40615-7\nlang: fr\n...\n'), '01.md': TEXT})
    assert (meta.title, meta.subtitle, meta.isbn) == ('Le Lycée', 'Un roman', '9780306406157')
    assert [(a.name, a.role) for a in meta.authors] == [('Emmanuel Bosquet', 'aut'), ('Ann Other', 'trl')]
    assert found == []


def test_leanpub_metadata_beside_book_txt(write_book) -> None:
    meta, found = read(write_book, {'manuscript/Book.txt': 'one.txt\n',
                                    'manuscript/metadata.yaml': 'title: Bash\nauthor: D\nlang: en\n',
                                    'manuscript/one.txt': TEXT})
    assert meta.title == 'Bash' and found == []


def test_mdbook_authors_as_one_string(write_book) -> None:
    meta, found = read(write_book, {'book.toml': '[book]\ntitle = "T"\nauthors = "Emmanuel Bosquet"\n'
                                                 'language = "fr"\n',
                                    'src/SUMMARY.md': '- [One](one.md)\n', 'src/one.md': TEXT})
    assert [a.name for a in meta.authors] == ['Emmanuel Bosquet'] and found == []


def test_a_jekyll_folder_whose_files_all_carry_titles_does_not_take_the_first_as_the_book(write_book) -> None:
    files = {'001_etymology.md': '---\ntitle: ETYMOLOGY.\n---\nText.\n',
             '002_chapter-1.md': '---\ntitle: CHAPTER 1. Loomings.\n---\nText.\n'}
    meta, found = read(write_book, files)
    (problem,) = [f for f in found if f[0] == 'MB100']
    assert "every file's 'title:' names its own chapter, 001_etymology.md's 'ETYMOLOGY.' too" in problem[3]
    assert f"it is called '{meta.title}', after its folder" in problem[3]
    meta, found = read(write_book, {**files, 'metadata.yaml': 'title: Moby-Dick\nauthor: H\nlang: en\n'})
    assert meta.title == 'Moby-Dick' and found == []


def test_a_book_with_no_title_is_named_after_its_readme_or_folder(write_book, tmp_path) -> None:
    readme = '<p>badges</p>\n\n<h1 align="center">pure bash bible</h1>\n'
    meta, found = read(write_book, {'manuscript/Book.txt': 'one.txt\n', 'manuscript/one.txt': TEXT,
                                    'README.md': readme})
    assert meta.title == 'pure bash bible'
    assert [(code, message.split('; ')[-1]) for code, _, _, message in found if code == 'MB100'] == [
        ('MB100', "it is called 'pure bash bible', after the first heading of README.md")]
    folder = tmp_path / 'le-lycee-des-routes' / 'src'
    folder.mkdir(parents=True)
    (folder / '01.md').write_text(TEXT, encoding='utf-8')
    manuscript = gather_manuscript(folder)
    assert manuscript.metadata.title == 'Le Lycee Des Routes'
    assert [d.severity for d in manuscript.diagnostics if d.code == 'MB100'] == [Severity.WARNING]


def test_severity_of_the_new_codes() -> None:
    from makebook import codes
    assert (codes.BAD_DATE.severity, codes.UNKNOWN_KEY.severity) == (Severity.ERROR, Severity.WARNING)


def test_a_yaml_block_after_a_licence_comment_is_front_matter_not_text(write_book) -> None:
    """The RLHF book opens every chapter with a licence comment, then its YAML: it was glued to
    the end of the chapter before, as a heading made of keys."""
    from makebook.render import render_book
    folder = write_book({'01.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\nText.\n',
                         '02.md': '<!--\n  Licensed CC BY 4.0\n-->\n---\nprev-chapter: "One"\ntitel: x\n'
                                  '---\n\n# Two\n\nMore.\n'})
    manuscript = gather_manuscript(folder)
    assert manuscript.files[1].front_matter == {'prev-chapter': 'One', 'titel': 'x'}
    assert manuscript.files[1].first_line == 8
    assert [(d.code, d.line) for d in manuscript.diagnostics] == [('MB131', 6)]  # titel: at its line
    book = render_book(manuscript)
    assert 'prev-chapter' not in book.chapters[0].body and 'prev-chapter' not in book.chapters[1].body
