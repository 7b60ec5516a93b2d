from pathlib import Path

import pytest

from makebook.errors import BookError
from makebook.source import read_manuscript
from makebook.source.includes import expand_includes
from makebook.source.layouts import detect_layout


def _names(root: Path) -> list[tuple[str, str | None]]:
    layout = detect_layout(root.resolve())
    return [(e.path.relative_to(root.resolve()).as_posix(), e.part) for e in layout.entries]


def test_plain_folder_in_natural_order(write_book):
    root = write_book({'10-b.md': '# B', '2-a.md': '# A', 'notes.txt': 'x'})
    assert detect_layout(root.resolve()).kind == 'folder'
    assert _names(root) == [('2-a.md', None), ('10-b.md', None)]


def test_a_readme_above_the_chapters_names_their_folder(write_book):
    """Moby-Dick's repository: README.md at the root, 138 chapters in chapters/. Built from the
    root, the book is the README alone; the warning says where the chapters are."""
    root = write_book({'README.md': '# Moby-Dick\n\nScraped from Gutenberg.\n',
                       **{f'chapters/{n:03}.md': f'---\ntitle: C{n}\n---\nText.\n' for n in range(1, 5)},
                       'scripts/a.md': '# A', 'scripts/b.md': '# B'})
    layout = detect_layout(root.resolve())
    assert [e.path.name for e in layout.entries] == ['README.md']
    assert [(d.code, d.path.name) for d in layout.diagnostics] == [('MB216', 'README.md')]
    assert "'chapters' (4 Markdown files)" in layout.diagnostics[0].message
    assert 'scripts' not in layout.diagnostics[0].message  # two files are no book
    with pytest.raises(BookError, match=r"no \.md files; 'chapters' has 4: build that folder"):
        read_manuscript((root / 'README.md').unlink() or root)


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
    # The listed file that exists is still read (its own problems, here no title, come too).
    lines = sorted((d.line, d.message) for d in caught.value.diagnostics if d.path.name == 'Book.txt')
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
    assert 'Layout: Leanpub (1 .md file)' in caplog.messages


def _depths(root: Path) -> list[tuple[str, int, bool]]:
    layout = detect_layout(root.resolve())
    return [(e.path.name, e.depth, e.unnumbered) for e in layout.entries]


def test_mdbook_nesting_gives_depths(write_book):
    root = write_book({
        'book.toml': '[book]\ntitle = "M"\n',
        # Any indentation deeper than the parent's nests; tabs count as four spaces.
        'src/SUMMARY.md': '[Intro](intro.md)\n\n- [One](one.md)\n  - [One a](one-a.md)\n'
                          '\t- [One a i](one-a-i.md)\n  - [One b](one-b.md)\n- [Two](two.md)\n'
                          '\n[Credits](credits.md)\n',
        **{f'src/{n}.md': f'# {n}' for n in ('intro', 'one', 'one-a', 'one-a-i', 'one-b', 'two',
                                             'credits')}})
    assert _depths(root) == [('intro.md', 0, True), ('one.md', 0, False), ('one-a.md', 1, False),
                             ('one-a-i.md', 2, False), ('one-b.md', 1, False),
                             ('two.md', 0, False), ('credits.md', 0, True)]


def test_chapters_list_file_entries_nest_sub_chapters(write_book):
    root = write_book({
        'metadata.yaml': 'title: T\nchapters:\n  - part: P\n    chapters:\n'
                         '      - file: a.md\n        chapters: [a1.md, {file: a2.md, chapters: [a2x.md]}]\n'
                         '      - b.md\n',
        **{f'{n}.md': f'# {n}' for n in ('a', 'a1', 'a2', 'a2x', 'b')}})
    layout = detect_layout(root.resolve())
    assert [(e.path.name, e.part, e.depth) for e in layout.entries] == [
        ('a.md', 'P', 0), ('a1.md', 'P', 1), ('a2.md', 'P', 1), ('a2x.md', 'P', 2), ('b.md', 'P', 0)]


def test_nest_builds_the_toc_tree_in_reading_order():
    from makebook.model import Chapter, nest

    def chapter(name: str, depth: int) -> Chapter:
        return Chapter(id=name, file_name=f'{name}.xhtml', title=name, number=None,
                       source=f'{name}.md', body='<section/>', depth=depth)

    def shape(nodes: list) -> list:
        return [(c.id, shape(children)) for c, children in nodes]
    chapters = [chapter('a', 0), chapter('a1', 1), chapter('a1x', 2), chapter('a2', 1),
                chapter('b', 0), chapter('c', 2), chapter('d', 0)]
    # 'c' skips a level: it still goes under the nearest chapter before it that is shallower.
    assert shape(nest(chapters)) == [('a', [('a1', [('a1x', [])]), ('a2', [])]),
                                     ('b', [('c', [])]), ('d', [])]
    assert shape(nest([chapter('x', 1), chapter('y', 0)])) == [('x', []), ('y', [])]


def test_includes_keep_a_map_to_the_included_files_lines(write_book):
    from makebook.source.includes import expand_includes_mapped
    root = write_book({
        'src/code.rs': 'use x;\n// ANCHOR: main\n\nfn main() {}\n// ANCHOR_END: main\n',
        'src/inner.md': 'inner one\n{{#include code.rs:main}}\ninner three',
        'src/ch.md': 'x'}).resolve()
    chapter = root / 'src' / 'ch.md'
    text = 'top {{#include inner.md}} tail\nlast'
    origins = [(chapter, 4), (chapter, 5)]  # as if the body began on line 4 of ch.md
    problems = []
    expanded, mapped = expand_includes_mapped(text, origins, root, problems)
    assert expanded.split('\n') == ['top inner one', 'fn main() {}', 'inner three tail', 'last']
    where = [(path.name, line) for path, line in mapped]
    # A line keeps the origin of its first character; the anchor's blank first line is dropped.
    assert where == [('ch.md', 4), ('code.rs', 4), ('inner.md', 3), ('ch.md', 5)]
    assert problems == []


def test_problems_in_included_text_name_the_included_file_and_line(write_book):
    from makebook.render import render_book
    root = write_book({
        'book.toml': '[book]\ntitle = "T"\n',
        'src/SUMMARY.md': '- [One](one.md)\n',
        'src/one.md': '---\nsubtitle: S\n---\n# One\n\n{{#include parts/inc.md}}\n\n'
                      'After [bad](nowhere.md).\n',
        'src/parts/inc.md': 'Included.\n\nSee [gone](#missing-anchor) here.\n'
                            '{{#include deeper.md}}\n',
        'src/parts/deeper.md': '\nDeeper [also gone](#nowhere-else).\n'})
    book = render_book(read_manuscript(root))
    found = sorted((d.path.relative_to(root.resolve()).as_posix(), d.line, d.message.split(':')[0])
                   for d in book.diagnostics)
    assert found == [("src/one.md", 8, "broken link 'nowhere.md'"),
                     ('src/parts/deeper.md', 2, "broken link '#nowhere-else'"),
                     ('src/parts/inc.md', 3, "broken link '#missing-anchor'")]


def test_include_errors_name_the_file_holding_the_directive(write_book):
    root = write_book({
        'book.toml': '[book]\ntitle = "T"\n',
        'src/SUMMARY.md': '- [One](one.md)\n',
        'src/one.md': '---\nsubtitle: S\n---\n# One\n\n{{#include inc.md}}\n',
        'src/inc.md': 'Text.\n\n{{#include missing.md}}\n'})
    with pytest.raises(BookError) as caught:
        read_manuscript(root)
    (problem,) = caught.value.diagnostics
    assert (problem.path.name, problem.line) == ('inc.md', 3)
    assert 'missing.md' in problem.message


def test_the_command_line_says_which_layout_it_used(write_book, capsys, tmp_path):
    from tests.tools import make_book
    root = write_book({'_quarto.yml': 'book:\n  title: Q\n  author: A\n  chapters: [a.md, b.md]\n',
                       'a.md': '# A\n\nText.', 'b.md': '# B\n\nText.', 'Book.txt': 'b.md\n'})
    run = make_book(capsys, 'build', root, '-o', tmp_path / 'out', '-f', 'html')
    assert run.status == 0, run.err
    assert 'make-book: Layout: Quarto (2 .md files)' in run.err.splitlines()  # before Leanpub
    quiet = make_book(capsys, 'build', root, '-o', tmp_path / 'out', '-f', 'html', '-q')
    assert quiet.err == ''


def test_a_readmes_list_of_links_gives_the_chapters_and_their_order(write_book):
    """You Don't Know JS: README.md lists the chapters as links (the foreword first, the
    appendices last), which file names would not give; the README itself is the contents."""
    root = write_book({
        'README.md': '# A Series: Book One\n\n[Table of Contents](toc.md)\n\n'
                     '* [Foreword](foreword.md) (by someone)\n* [Preface](../preface.md)\n'
                     '* [Chapter 1: Scope](ch1.md)\n* [Chapter 2: More](ch2.md)\n'
                     '    * [A sub-chapter](ch2-1.md)\n* [Appendix A](apA.md)\n'
                     '* [Buy it](https://example.com/buy)\n',
        'toc.md': '# Contents\n\n* Foreword\n* Chapter 1\n',
        **{name: f'# {name}\n\nText.\n'
           for name in ('apA.md', 'ch1.md', 'ch2.md', 'ch2-1.md', 'foreword.md')}})
    layout = detect_layout(root.resolve())
    assert layout.kind == "README.md's links"
    assert [(e.path.name, e.depth) for e in layout.entries] == [
        ('foreword.md', 0), ('ch1.md', 0), ('ch2.md', 0), ('ch2-1.md', 1), ('apA.md', 0)]
    (said,) = layout.diagnostics
    assert (said.code, said.path.name) == ('MB217', 'README.md')
    assert 'README.md, toc.md left out' in said.message and '../preface.md' in said.message


def test_a_gitbook_summary_gives_the_chapters(write_book):
    root = write_book({'SUMMARY.md': '# Summary\n\n- [Introduction](README.md)\n- [One](one/README.md)\n'
                                     '  - [Detail](one/detail.md)\n- [Two](two.md)\n',
                       'README.md': '# Intro\n', 'one/README.md': '# One\n', 'one/detail.md': '# Detail\n',
                       'two.md': '# Two\n'})
    layout = detect_layout(root.resolve())
    assert [(e.path.relative_to(root.resolve()).as_posix(), e.depth) for e in layout.entries] == [
        ('README.md', 0), ('one/README.md', 0), ('one/detail.md', 1), ('two.md', 0)]
    assert layout.diagnostics == ()  # nothing left out: SUMMARY.md is no chapter in GitBook either


def test_a_readme_linking_a_few_documents_is_not_a_table_of_contents(write_book):
    root = write_book({'README.md': '# Book\n\n- [Licence](LICENSE.md)\n- [Contributing](CONTRIBUTING.md)\n',
                       'LICENSE.md': 'L\n', 'CONTRIBUTING.md': 'C\n',
                       **{f'{n:02}.md': f'# {n}\n' for n in range(1, 6)}})
    assert detect_layout(root.resolve()).kind == 'folder'


def test_pandoc_book_templates_chapters_folder_beside_its_metadata(write_book):
    """The RLHF book (built on pandoc-book-template): book/metadata.yml, book/chapters/*.md,
    a README and another document beside them; its Makefile takes chapters/*.md but README.md."""
    root = write_book({'metadata.yml': 'title: T\nauthor: A\nlang: en\n', 'README.md': '# Build system\n',
                       'HOSTING.md': '# Hosting\n', 'chapters/README.md': '# The chapters\n',
                       **{f'chapters/{n:02}-c.md': f'# C{n}\n' for n in (1, 2, 10)},
                       'chapters/appendix-a.md': '# A\n'})
    layout = detect_layout(root.resolve())
    assert layout.kind == 'chapters folder'
    assert [e.path.name for e in layout.entries] == ['01-c.md', '02-c.md', '10-c.md', 'appendix-a.md']
    (said,) = layout.diagnostics
    assert (said.code, said.path.name) == ('MB217', 'metadata.yml')
    assert 'left out: HOSTING.md, README.md, chapters/README.md' in said.message
    # From the repository root, the warning names the folder to build: the one with the metadata.
    parent = root.parent
    (parent / 'README.md').write_text('# The repository\n', encoding='utf-8')
    (said,) = detect_layout(parent.resolve()).diagnostics
    assert said.code == 'MB216' and said.message.endswith(f'make-book build {root.resolve()})')


def test_a_gitbook_reads_its_summary_and_opens_with_its_readme(write_book):
    # As basarat/typescript-book: SUMMARY.md and README.md at the top, the chapters in docs/,
    # book.json naming the book; the list does not name the README, GitBook's first page.
    root = write_book({
        'book.json': '{"title": "Deep Dive", "author": "B. Syed", "language": "en", "plugins": []}',
        'README.md': '# Deep Dive\n', 'GLOSSARY.md': '# Glossary\n', 'footer.md': 'footer',
        'SUMMARY.md': '# Summary\n\n* [Getting Started](docs/start.md)\n  * [Why](docs/why.md)\n'
                      '* [Types](docs/types/index.md)\n\n## Appendix\n\n* [Tips](/docs/tips#first)\n',
        'docs/start.md': '# Start', 'docs/why.md': '# Why', 'docs/types/index.md': '# Types',
        'docs/tips.md': '# Tips'})
    layout = detect_layout(root.resolve())
    assert layout.kind == 'GitBook'
    assert layout.metadata == {'title': 'Deep Dive', 'author': 'B. Syed', 'lang': 'en'}
    assert _depths(root) == [('README.md', 0, True), ('start.md', 0, False), ('why.md', 1, False),
                             ('index.md', 0, False), ('tips.md', 0, False)]
    assert _names(root)[-1] == ('docs/tips.md', 'Appendix')


def test_a_gitbook_page_with_no_heading_is_titled_as_its_summary_names_it(write_book):
    # TypeScript Deep Dive's pages open with their own list of links, then '### Arrow Functions'.
    from makebook.render import render_book
    from tests.tools import tiny_png
    root = write_book({
        'book.json': '{"title": "Deep Dive", "author": "B", "language": "en"}', 'badge.png': tiny_png(),
        'README.md': '[![Stars](badge.png)](https://example.org/s)\n\n# Deep Dive\n',  # badges above
        'SUMMARY.md': '* [Arrow Functions](docs/arrow.md)\n',
        'docs/arrow.md': '* [Arrow Functions](#arrow-functions)\n* [Tip](#tip)\n\n'
                         '### Arrow Functions\n\nText.\n\n### Tip\n\nMore.\n'})
    book = render_book(read_manuscript(root))
    assert [c.title for c in book.chapters] == ['Deep Dive', 'Arrow Functions']


def test_a_docsify_site_reads_its_sidebar(write_book):
    # As norvig/paip-lisp's docs/: '/' is the README, pages named with or without '.md'.
    root = write_book({
        'index.html': '<script>window.$docsify = {loadSidebar: true}</script>'
                      '<script src="//unpkg.com/docsify/lib/docsify.min.js"></script>',
        '_sidebar.md': '<!-- docs/_sidebar.md -->\n\n* [Home](/)\n* [Preface](preface.md)\n'
                       '* [Chapter 1](chapter1)\n* [GitHub](https://github.com/x/y)\n',
        '_coverpage.md': '# Cover', 'README.md': '# Home', 'preface.md': '# Preface',
        'chapter1.md': '# One', 'appendix.md': '# Appendix'})
    assert detect_layout(root.resolve()).kind == 'docsify'
    assert [name for name, _ in _names(root)] == ['README.md', 'preface.md', 'chapter1.md']


def test_a_chapter_named_summary_is_not_a_gitbook(write_book):
    root = write_book({'README.md': '# Intro', 'SUMMARY.md': '# Summary\n\nIn short, [see](a.md).\n\nMore.\n',
                       'a.md': '# A'})
    assert detect_layout(root.resolve()).kind == 'folder'


def test_a_novel_in_numbered_folders_is_read_in_their_order(write_book):
    # As mattgemmell/pandoc-novel lays a novel out (its demo/ holds book/ and metadata.json).
    root = write_book({
        'metadata.json': '{\n\t"lang": "en",\n\t"title": "Your Book Title",\n\t"author": "Your Name"\n}\n',
        'book/01 Front matter/00 Accolades.md': '# Accolades', 'book/01 Front matter/02 Title page.md': 'T',
        'book/02 Manuscript/00 Prologue/Prologue.md': '# Prologue',
        'book/02 Manuscript/10 Part 10/Chapter 10.md': '# Chapter 10',
        'book/02 Manuscript/2 Part 2/Chapter 2.md': '# Chapter 2',
        'book/03 Back matter/01 Afterword.md': '# Afterword'})
    assert [name for name, _ in _names(root)] == [
        'book/01 Front matter/00 Accolades.md', 'book/01 Front matter/02 Title page.md',
        'book/02 Manuscript/00 Prologue/Prologue.md', 'book/02 Manuscript/2 Part 2/Chapter 2.md',
        'book/02 Manuscript/10 Part 10/Chapter 10.md', 'book/03 Back matter/01 Afterword.md']
    book = read_manuscript(root)
    assert (book.metadata.title, book.metadata.language) == ('Your Book Title', 'en')
    # Folders of several books, not numbered: not guessed (the error names the fullest).
    other = write_book({'a/1.md': '# A', 'a/2.md': '# B', 'a/3.md': '# C', 'b/1.md': '# D'}, 'repo')
    with pytest.raises(BookError, match="'a' has 3: build that folder"):
        read_manuscript(other)


@pytest.mark.parametrize(('files', 'where'), [
    ({'src/one.md': '# One\n\n{{#include one.md}}\n'}, [('one.md', 3)]),  # a chapter including itself
    ({'src/one.md': '# One\n\n{{#include a.md}}\n', 'src/a.md': 'A\n\n{{#include a.md}}\n' * 4},
     [('a.md', n) for n in (3, 6, 9, 12)]),  # each of four self-includes, at its own line
    ({'src/one.md': '# One\n\n{{#include a.md}}\n', 'src/a.md': '{{#include b.md}}\n',
      'src/b.md': 'B\n\n{{#include a.md}}\n{{#include a.md}}\n'}, [('b.md', 3), ('b.md', 4)]),
])
def test_includes_that_go_round_in_a_loop_are_an_error_at_each_directive(write_book, files, where):
    """A file that includes itself (or one that includes it) four times stood for 4^9 copies
    and 262,144 directives before the depth limit stopped it (minutes, the attack harness's
    exhaust-include-self); the loop is found at once and named, the text around it kept."""
    root = write_book({'book.toml': '[book]\ntitle = "T"\n', 'src/SUMMARY.md': '- [One](one.md)\n', **files})
    with pytest.raises(BookError) as caught:
        read_manuscript(root)
    found = sorted({(p.path.name, p.line) for p in caught.value.diagnostics})
    assert found == where
    assert all(p.code == 'MB212' and 'loop' in p.message for p in caught.value.diagnostics)


def test_a_quarto_book_s_build_settings_live_in_its_project_file(write_book, capsys, tmp_path):
    # Quarto authors keep everything in _quarto.yml: make-book's settings there were ignored
    # without a word (a 6x9 trim set there did nothing).
    from tests.tools import make_book
    root = write_book({'_quarto.yml': 'project:\n  type: book\nbook:\n  title: Q\n  author: A\n'
                                      '  chapters: [a.md, b.md]\nmake-book:\n  formats: [html]\n'
                                      '  output: built\n  stirct: true\n',
                       'a.md': '# A\n\nText.', 'b.md': '# B\n\nText.'})
    run = make_book(capsys, 'build', root)
    assert run.status == 0, run.err
    built = root.parent / 'built'
    # the web edition only, where it was told
    assert sorted(p.name for p in built.iterdir() if not p.name.startswith('.')) == ['html']
    assert (built / 'html' / 'index.html').is_file()
    assert "_quarto.yml:7: MB140 warning: metadata 'make-book': unknown setting 'stirct'; " \
        "did you mean 'strict'?" in run.err


def test_a_metadata_file_beside_a_quarto_project_wins_over_it(write_book):
    root = write_book({'_quarto.yml': 'book:\n  title: Q\n  author: A\n  chapters: [a.md, b.md]\n'
                                      'make-book:\n  trim-size: 6x9\n',
                       'metadata.yaml': 'make-book:\n  trim-size: a5\n',
                       'a.md': '# A\n\nText.', 'b.md': '# B\n\nText.'})
    manuscript = read_manuscript(root)
    assert manuscript.metadata.trim.width == '148mm'  # A5, not 6x9


def test_a_quarto_language_that_is_not_text_is_an_error_at_its_line(write_book, capsys, tmp_path):
    from tests.tools import make_book
    root = write_book({'_quarto.yml': 'book:\n  title: Q\n  author: A\n  chapters: [a.md, b.md]\nlang: 42\n',
                       'a.md': '# A\n\nText.', 'b.md': '# B\n\nText.'})
    run = make_book(capsys, 'build', root, '-o', tmp_path / 'out', '-f', 'html')
    assert run.status != 0
    assert "_quarto.yml:5: MB101 error: metadata 'lang': expected text, got the number 42" in run.err
