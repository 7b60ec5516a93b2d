"""Links as other tools' authors write them: to a chapter's page ('two.html'), to headings by
mdBook's, GitHub's or pandoc's ids, out of the book, and to Quarto's tables and equations."""

from __future__ import annotations

import pytest
from lxml import etree

from makebook.errors import Severity
from makebook.render import render_book
from makebook.render.ids import heading_slugs
from makebook.source import read_manuscript
from tests.tools import NS

META = '---\ntitle: T\nauthor: A\nlang: en\n---\n'


def render(write_book, files: dict):
    return render_book(read_manuscript(write_book(files)))


def links(chapter) -> list[tuple[str, str | None]]:
    section = etree.fromstring(chapter.body)
    return [(''.join(a.itertext()), a.get('href')) for a in section.iterfind('.//x:p//x:a', NS)]


def test_links_to_a_chapters_page_name_reach_the_chapter(write_book) -> None:
    """mdBook, Jekyll and Hugo authors link to the page a chapter becomes; mdBook makes
    a folder's README.md its index.html."""
    book = render(write_book, {
        '01-one.md': META + '# One\n\nSee [two](02-two.html), [its part](02-two.htm#later) '
                            'and [notes](notes.markdown).\n',
        '02-two.md': '# Two\n\n## Later\n\nText.\n',
        'notes.markdown': '# Notes\n\nText.\n',
    })
    assert book.diagnostics == ()
    assert links(book.chapters[0]) == [('two', '#two'), ('its part', '#later'), ('notes', '#notes')]
    assert [c.source for c in book.chapters] == ['01-one.md', '02-two.md', 'notes.markdown']


def test_an_mdbook_readme_is_its_folders_index_page(write_book) -> None:
    book = render(write_book, {
        'book.toml': '[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\n',
        'src/SUMMARY.md': '- [One](one.md)\n- [Guide](guide/README.md)\n',
        'src/one.md': '# One\n\nSee [the guide](guide/index.html).\n',
        'src/guide/README.md': '# Guide\n\nText.\n'})
    assert book.diagnostics == ()
    assert links(book.chapters[0]) == [('the guide', '#guide')]


def test_a_page_the_layouts_list_leaves_out_is_named_as_such(write_book) -> None:
    book = render(write_book, {
        'index.html': '<script src="//unpkg.com/docsify/lib/docsify.min.js"></script>',
        '_sidebar.md': '* [One](one.md)\n', 'one.md': META + '# One\n\nSee [the notes](notes.md#n1).\n',
        'notes.md': '# Notes\n'})
    (problem,) = book.diagnostics
    assert "it points to a manuscript file the layout's list of chapters leaves out" in problem.message


@pytest.mark.parametrize(('written', 'why'), [
    ('../std/index.html', 'a page outside the book'),
    ('missing.html', 'a file that is not part of the book'),
    ('missing.md', 'a manuscript file that does not exist'),
    ('two.md#nowhere', "two.md has no heading or anchor '#nowhere'"),
])
def test_a_link_to_nothing_is_a_warning_and_keeps_its_text(write_book, written: str, why: str) -> None:
    book = render(write_book, {'one.md': META + f'# One\n\nRead [the *docs*]({written}) now.\n',
                               'two.md': '# Two\n\nText.\n'})
    (problem,) = book.diagnostics
    assert (problem.code[:4], problem.severity, problem.line) == ('MB30', Severity.WARNING, 8)
    assert why in problem.message and 'the link is left out and its text kept' in problem.message
    section = etree.fromstring(book.chapters[0].body)
    paragraph = section.find('x:p', NS)
    assert ''.join(paragraph.itertext()) == 'Read the docs now.' and paragraph.find('x:em', NS) is not None
    assert paragraph.find('.//x:a', NS) is None


def test_strict_makes_a_broken_link_fail_the_build(write_book, tmp_path, capsys) -> None:
    from tests.tools import make_book
    folder = write_book({'one.md': META + '# One\n\n[x](gone.html)\n'})
    assert make_book(capsys, folder, '-o', tmp_path / 'a', '-f', 'html').status == 0
    run = make_book(capsys, folder, '-o', tmp_path / 'b', '-f', 'html', '--strict')
    assert run.status == 1 and 'MB301 warning' in run.err


@pytest.mark.parametrize(('heading', 'ids'), [
    # mdBook and GitHub keep every hyphen (mdBook's own Rust book links these).
    ('Where’s the `->` Operator?', {'wheres-the---operator'}),
    ('Concatenation with the `+` Operator or the `format!` Macro',
     {'concatenation-with-the--operator-or-the-format-macro'}),
    # pandoc and Quarto drop what comes before the first letter and keep accents.
    ('1.2 Élève à l’école', {'élève-à-lécole', '12-élève-à-lécole', '12-Élève-à-lécole'}),
    ('A -- B', {'a----b', 'a--b'}),
])
def test_heading_ids_by_each_tools_rules(heading: str, ids: set[str]) -> None:
    from lxml import html
    from markdown import markdown
    text = html.fromstring(markdown(f'# {heading}', extensions=['smarty'])).text_content()
    assert ids <= {slug for _, slug in heading_slugs(text)}


def test_links_written_for_mdbook_github_or_pandoc_ids_reach_the_heading(write_book) -> None:
    book = render(write_book, {
        '1.md': META + '# One\n\n## Where’s the `->` Operator?\n\nText.\n\n## 2. Élève\n\nText.\n\n'
                       '## Setup\n\nA.\n\n## Setup\n\nB.\n',
        '2.md': '# Two\n\n[a](1.md#wheres-the---operator), [b](1.md#élève), [c](1.md#setup-1), '
                '[d](#wheres-the---operator)\n'})
    assert book.diagnostics == ()
    section = etree.fromstring(book.chapters[0].body)
    h2 = [h.get('id') for h in section.iterfind('x:h2', NS)]
    expected = [f'#{h2[0]}', f'#{h2[1]}', f'#{h2[3]}', f'#{h2[0]}']
    assert [href for _, href in links(book.chapters[1])] == expected


def test_an_alias_never_takes_an_id_the_author_gave(write_book) -> None:
    book = render(write_book, {'1.md': META + '# One\n\n## Alpha Beta\n\nA.\n\n## Other {#alpha-beta-x}\n\n'
                                              'See [x](#alpha-beta-x) and [y](#alpha-beta).\n'})
    section = etree.fromstring(book.chapters[0].body)
    assert [href for _, href in links(book.chapters[0])] == ['#alpha-beta-x', f'#{section[1].get("id")}']


def test_quarto_tables_and_equations_are_numbered_and_referenced(write_book) -> None:
    book = render(write_book, {'1.md': META + (
        '# One\n\nSee @tbl-stats, @tbl:two, @eq-energy and [the table](#tbl-stats).\n\n'
        '| State | 1850 |\n|---|--:|\n| Ohio | 25 |\n\n: Free *Colored* Population {#tbl-stats}\n\n'
        'Table: Second {#tbl:two}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n'
        '$$E = mc^2$$ {#eq-energy}\n\nTerm\n: stays a definition\n')})
    assert book.diagnostics == ()
    section = etree.fromstring(book.chapters[0].body)
    captions = [' '.join(''.join(c.itertext()).split()) for c in section.iterfind('.//x:caption', NS)]
    assert captions == ['Table 1. Free Colored Population', 'Table 2. Second']
    assert [t.get('id') for t in section.iterfind('x:table', NS)] == ['tbl-stats', 'tbl-two']
    assert section.find('.//x:caption/x:em', NS).text == 'Colored'
    assert links(book.chapters[0]) == [('table 1', '#tbl-stats'), ('table 2', '#tbl-two'),
                                       ('equation 1', '#eq-energy'), ('the table', '#tbl-stats')]
    math = section.find(f'.//{{{NS["x"]}}}p/{{http://www.w3.org/1998/Math/MathML}}math')
    assert math.get('id') == 'eq-energy' and math.getprevious().text == '(1)'
    assert section.find('x:dl/x:dd', NS).text == 'stays a definition'
    assert '{#' not in ''.join(section.itertext())


def test_an_image_path_from_the_sites_root_is_read_from_the_book_folder(write_book) -> None:
    # GitBook, docsify, Jekyll and Hugo read '/images/x.png' from the site's root.
    from tests.tools import tiny_png
    book = render(write_book, {'one.md': META + '# One\n\n![Logo](/images/logo.png)\n',
                               'images/logo.png': tiny_png()})
    assert book.diagnostics == ()
    assert etree.fromstring(book.chapters[0].body).find('.//x:img', NS).get('src') == 'images/logo.png'


def test_broken_links_leave_their_text_and_children_in_place_many_in_one_paragraph(write_book) -> None:
    """A link to nothing becomes its text (children, tail and all), each at its line. Many in
    one paragraph are taken out in one pass over it (they were quadratic: each found its place
    among its siblings and grew a neighbour's text)."""
    pieces = ''.join(f'w{n} [*e{n}* t{n}](gone.md) [ok](#one) [](nothing.md) [s{n}](#nope){{#i{n}}} '
                     for n in range(300))
    book = render_book(read_manuscript(write_book({'01.md': f'---\ntitle: T\nauthor: A\nlang: en\n---\n'
                                                            f'# One\n\n{pieces}end\n'})))
    body = etree.fromstring(book.chapters[0].body)
    paragraph = body.find('.//x:p', NS)
    expected = ''.join(f'w{n} e{n} t{n} ok nothing.md s{n} ' for n in range(300)) + 'end'
    assert ''.join(paragraph.itertext()) == expected
    assert [e.text for e in paragraph.iterfind('x:em', NS)] == [f'e{n}' for n in range(300)]
    assert len(paragraph.findall('x:a', NS)) == 300  # the good ones
    assert [s.get('id') for s in paragraph.iterfind('x:span', NS)] == [f'i{n}' for n in range(300)]
    broken = [d for d in book.diagnostics if d.code in ('MB301', 'MB302')]
    assert len(broken) == 900 and {d.line for d in broken} == {8}


def test_remote_images_stand_in_by_their_words_many_in_one_paragraph(write_book) -> None:
    """A remote image not fetched leaves its alt text in its place (nothing in a figure); many in
    one paragraph are replaced in one pass over it (each grew a neighbour's text: quadratic)."""
    pieces = ''.join(f'w{n} ![alt {n}](https://e.org/{n}.png)![](https://e.org/x.png) *e{n}* '
                     for n in range(300))
    book = render_book(read_manuscript(write_book({'01.md': f'---\ntitle: T\nauthor: A\nlang: en\n---\n'
                                                            f'# One\n\n{pieces}end\n'})))
    paragraph = etree.fromstring(book.chapters[0].body).find('.//x:p', NS)
    assert ''.join(paragraph.itertext()) == ''.join(f'w{n} alt {n} e{n} ' for n in range(300)) + 'end'
    assert paragraph.find('.//x:img', NS) is None
    assert [e.text for e in paragraph.iterfind('x:em', NS)] == [f'e{n}' for n in range(300)]
    remote = [d for d in book.diagnostics if d.code == 'MB334']
    assert len(remote) == 600
