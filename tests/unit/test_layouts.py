from pathlib import Path

import pytest

from makebook.errors import BookError
from makebook.layouts import detect_layout, expand_includes
from makebook.manuscript import read_manuscript


def _names(root: Path) -> list[tuple[str, str | None]]:
    layout = detect_layout(root.resolve())
    return [(e.path.relative_to(root.resolve()).as_posix(), e.part) for e in layout.entries]


def test_plain_folder_in_natural_order(write_book):
    root = write_book({'10-b.md': '# B', '2-a.md': '# A', 'notes.txt': 'x'})
    assert detect_layout(root.resolve()).kind == 'folder'
    assert _names(root) == [('2-a.md', None), ('10-b.md', None)]


def test_chapters_list_with_parts(write_book):
    root = write_book({
        'metadata.yaml': 'title: T\nchapters:\n  - intro.md\n'
                         '  - part: Part One\n    chapters: [b.md, a.md]\n',
        'intro.md': '# I', 'a.md': '# A', 'b.md': '# B'})
    assert detect_layout(root.resolve()).kind == 'chapters list'
    assert _names(root) == [('intro.md', None), ('b.md', 'Part One'), ('a.md', 'Part One')]


def test_quarto_book(write_book):
    root = write_book({
        '_quarto.yml': 'project:\n  type: book\nbook:\n  title: Q Book\n  author: Ann\n'
                       '  chapters:\n    - index.qmd\n    - part: Basics\n      chapters:\n'
                       '        - basics.md\n',
        'index.qmd': '# Preface', 'basics.md': '# Basics'})
    layout = detect_layout(root.resolve())
    assert layout.kind == 'Quarto'
    assert layout.metadata == {'title': 'Q Book', 'author': 'Ann'}
    assert _names(root) == [('index.qmd', None), ('basics.md', 'Basics')]


def test_mdbook_summary(write_book):
    root = write_book({
        'book.toml': '[book]\ntitle = "M"\nauthors = ["A", "B"]\n',
        'src/SUMMARY.md': '# Summary\n\n[Intro](intro.md)\n\n# Guide\n\n- [One](one.md)\n'
                          '    - [One a](one-a.md)\n- [Draft]()\n\n---\n\n[Credits](credits.md)\n',
        'src/intro.md': '# Intro', 'src/one.md': '# One', 'src/one-a.md': '# One a',
        'src/credits.md': '# Credits'})
    layout = detect_layout(root.resolve())
    assert layout.kind == 'mdBook'
    assert layout.metadata['author'] == ['A', 'B']
    assert _names(root) == [('src/intro.md', None), ('src/one.md', 'Guide'),
                            ('src/one-a.md', 'Guide'), ('src/credits.md', None)]


def test_leanpub_book_txt(write_book):
    root = write_book({'manuscript/Book.txt': 'b.md\na.md\n', 'manuscript/a.md': '# A',
                       'manuscript/b.md': '# B'})
    assert detect_layout(root.resolve()).kind == 'Leanpub'
    assert _names(root) == [('manuscript/b.md', None), ('manuscript/a.md', None)]


def test_missing_or_outside_files_are_errors_with_line(write_book):
    root = write_book({'Book.txt': 'a.md\n../../etc/passwd\nmissing.md\n', 'a.md': '# A\n\nText.'})
    with pytest.raises(BookError) as caught:
        read_manuscript(root)
    lines = sorted((d.line, d.message) for d in caught.value.diagnostics)
    assert [line for line, _ in lines] == [2, 3]
    assert 'outside the book folder' in lines[0][1]


def test_mdbook_includes_with_anchors_and_lines(write_book):
    root = write_book({
        'src/code.rs': 'use x;\n// ANCHOR: main\nfn main() {}\n// ANCHOR_END: main\nfn other() {}\n',
        'src/ch.md': 'x'})
    problems = []
    source = root.resolve() / 'src' / 'ch.md'
    text = expand_includes('{{#include code.rs:main}}\n{{#rustdoc_include code.rs:1}}\n'
                           '{{#include code.rs}}', source, root.resolve(), problems)
    assert text.split('\n')[:2] == ['fn main() {}', 'use x;']
    assert 'ANCHOR' not in text
    assert 'fn other() {}' in text
    assert problems == []


def test_includes_stay_inside_the_book(write_book, tmp_path):
    (tmp_path / 'secret.txt').write_text('secret')
    root = write_book({'src/ch.md': 'x'})
    problems = []
    text = expand_includes('a\n{{#include ../../secret.txt}}', root.resolve() / 'src' / 'ch.md',
                           root.resolve(), problems)
    assert 'secret' not in text
    assert problems[0].line == 2
    assert 'inside the book folder' in problems[0].message


def test_chapters_list_in_the_first_files_front_matter(write_book):
    root = write_book({'00-index.md': '---\ntitle: T\nchapters: [00-index.md, b.md, a.md]\n---\n# I',
                       'a.md': '# A', 'b.md': '# B'})
    assert _names(root) == [('00-index.md', None), ('b.md', None), ('a.md', None)]


def test_the_layout_used_is_reported(write_book, caplog):
    root = write_book({'Book.txt': 'a.md\n', 'a.md': '---\ntitle: T\n---\n# A\n\nText.'})
    with caplog.at_level('INFO', logger='makebook'):
        read_manuscript(root)
    assert 'Layout: Leanpub (1 .md files)' in caplog.messages
