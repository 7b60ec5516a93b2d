from __future__ import annotations

import pytest
from lxml import etree

from makebook.errors import Severity
from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import NS

META = '---\ntitle: T\nauthor: A\nlang: en\n---\n'
PNG = bytes.fromhex('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
                    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082')


def render(write_book, files: dict):
    return render_book(read_manuscript(write_book(files)))


def body(chapter) -> etree._Element:
    return etree.fromstring(chapter.body)


def test_each_level_one_heading_starts_a_chapter_wherever_it_stands(write_book) -> None:
    book = render(write_book, {'1.md': META + '# One\n\ntext\n\n# Two\n\nmore\n\n## Part\n\nx',
                               '2.md': 'continued\n\n# Three {.unnumbered}\n\nend'})
    assert [c.title for c in book.chapters] == ['One', 'Two', 'Three']
    assert [c.number for c in book.chapters] == [1, 2, None]
    assert [s.title for s in book.chapters[1].sections] == ['Part']
    two = ''.join(body(book.chapters[1]).itertext())
    assert 'continued' in two  # text before a file's first heading continues the chapter
    assert len({c.file_name for c in book.chapters}) == 3


def test_a_file_with_a_front_matter_title_and_no_heading_is_a_chapter(write_book) -> None:
    book = render(write_book, {'1.md': META + '# One\n\ntext',
                               '2.md': '---\ntitle: Jekyll Style\n---\nJust text.'})
    assert [c.title for c in book.chapters] == ['One', 'Jekyll Style']
    assert body(book.chapters[1]).find('x:h1', NS).text == 'Jekyll Style'


def test_heading_attributes(write_book) -> None:
    book = render(write_book, {'1.md': META + '# One {#first}\n\nx\n\n# Two {-}\n\ny'})
    assert [c.id for c in book.chapters] == ['first', 'two']
    assert book.chapters[1].number is None


def test_ids_are_unique_across_the_book_and_links_follow_them(write_book) -> None:
    book = render(write_book, {
        '1.md': META + '# Intro\n\n## Notes\n\nSee [below](#notes) and [two](2.md#notes).[^1]\n\n[^1]: one',
        '2.md': '# Other\n\n## Notes\n\nBack to [one](1.md), [here](#notes).[^1]\n\n[^1]: two',
    })
    ids = [i for c in book.chapters for i in c.ids]
    assert len(ids) == len(set(ids))
    first_links = [a.get('href') for a in body(book.chapters[0]).iterfind('.//x:p/x:a', NS)]
    second_links = [a.get('href') for a in body(book.chapters[1]).iterfind('.//x:p/x:a', NS)]
    assert first_links[:2] == ['#notes', '#notes-2']
    assert second_links[:2] == ['#intro', '#notes-2']
    assert all(book.chapter_of(link[1:]) is not None for link in first_links + second_links)


def test_footnotes_become_epub3_popups_in_their_chapter(write_book) -> None:
    book = render(write_book, {'1.md': META + '# A\n\nCite[^x].\n\n# B\n\nAnd[^y].\n\n[^x]: Ex.\n[^y]: Why.'})
    first, second = (body(c) for c in book.chapters)
    ref = first.find('.//x:a[@epub:type="noteref"]', NS)
    assert ref.get('role') == 'doc-noteref' and ref.getparent().tag != f'{{{NS["x"]}}}sup'
    note = first.find('.//x:aside[@epub:type="footnote"]', NS)
    assert note.get('role') == 'doc-footnote' and ref.get('href') == '#' + note.get('id')
    backlink = note.find('.//x:a', NS)
    assert backlink.get('href') == '#' + ref.get('id') and backlink.text == '1.'
    assert ''.join(note.itertext()).strip() == '1. Ex.'
    assert 'Why.' in ''.join(second.itertext()) and 'Why.' not in ''.join(first.itertext())
    assert all(':' not in i for c in book.chapters for i in c.ids)


def test_broken_links_and_missing_images_name_file_and_line(write_book) -> None:
    text = '# A\n\n[x](nowhere.md)\n\n[y](#nothing)\n\n![pic](img/missing.png)'
    book = render(write_book, {'1.md': META + text})
    found = [(p.path.name, p.line, p.severity, p.message) for p in book.diagnostics]
    kept = '; the link is left out and its text kept'
    assert found == [
        ('1.md', 8, Severity.WARNING,
         "broken link 'nowhere.md': it points to a manuscript file that does not exist" + kept),
        ('1.md', 10, Severity.WARNING,
         "broken link '#nothing': 1.md has no heading or anchor '#nothing'" + kept),
        ('1.md', 12, Severity.ERROR, "image 'img/missing.png': no such image file"),
    ]
    section = body(book.chapters[0])
    assert [''.join(p.itertext()) for p in section.iterfind('x:p', NS)][:2] == ['x', 'y']
    assert section.find('.//x:a', NS) is None


def test_images_become_assets_inside_the_book(write_book) -> None:
    book = render(write_book, {'1.md': META + '# A\n\n![A dot](img/dot.png)\n\n![](img/dot.png)',
                               'img/dot.png': PNG})
    assert [(a.href, a.media_type) for a in book.assets] == [('img/dot.png', 'image/png')]
    warnings = [p.message for p in book.diagnostics if p.severity is Severity.WARNING]
    assert warnings == ["image 'img/dot.png' has empty alt text; describe it for readers who cannot see it"]


def test_an_image_missing_beside_its_chapter_is_looked_for_from_the_book_folder(write_book) -> None:
    """Pandoc reads paths from where it runs: the RLHF book's chapters/*.md write 'images/x.png'
    for book/images/x.png. The chapter's own folder still comes first."""
    book = render_book(read_manuscript(write_book({
        'metadata.yaml': 'title: T\nauthor: A\nlang: en\nchapters: [chapters/one.md, chapters/two.md]\n',
        'chapters/one.md': '# One\n\n![A dot](images/dot.png)\n',
        'chapters/two.md': '# Two\n\n![A near dot](pics/near.png)\n',
        'images/dot.png': PNG, 'chapters/pics/near.png': PNG, 'pics/near.png': PNG})))
    assert book.diagnostics == ()
    assert [a.href for a in book.assets] == ['chapters/pics/near.png', 'images/dot.png']


@pytest.mark.parametrize(('src', 'severity'), [
    ('../secret.png', Severity.ERROR), ('/etc/passwd.png', Severity.ERROR),
    ('file:///etc/x.png', Severity.ERROR),
    ('https://example.com/x.png', Severity.WARNING),  # not fetched: its alt text stands in (MB333)
])
def test_images_outside_the_book_are_refused(write_book, src: str, severity: Severity) -> None:
    book = render(write_book, {'1.md': META + f'# A\n\n![x]({src})'})
    assert [p.severity for p in book.diagnostics] == [severity]
    assert book.assets == ()


def test_raw_html_and_entities_come_out_well_formed(write_book) -> None:
    book = render(write_book, {'1.md': META + '# A\n\nA<br>b &nbsp; c\x01 <span epub:type="z">d</span>'})
    section = body(book.chapters[0])
    assert section.find('.//x:br', NS) is not None
    assert section.find('.//x:span', NS).get(f'{{{NS["epub"]}}}type') == 'z'
    assert '\x01' not in book.chapters[0].body


def test_smart_punctuation(write_book) -> None:
    book = render(write_book, {'1.md': META + '# A\n\n"Quote" -- and --- it\'s...'})
    assert '“Quote” – and — it’s…' in ''.join(body(book.chapters[0]).itertext())


def test_footnotes_are_numbered_per_chapter_and_follow_continued_text(write_book) -> None:
    book = render(write_book, {
        '1.md': META + '# A\n\nOne[^a] two[^b] again[^a].\n\n# B\n\nThree[^c].\n\n'
                       '[^a]: Note a.\n[^b]: Note b.\n[^c]: Note c.',
        '2.md': 'Continued[^d].\n\n# C\n\nMore.\n\n[^d]: Note d.',
    })
    first, second, _ = (body(c) for c in book.chapters)
    assert [a.text for a in first.iterfind('.//x:a[@epub:type="noteref"]', NS)] == ['1', '2', '1']
    assert [a.text for a in second.iterfind('.//x:a[@epub:type="noteref"]', NS)] == ['1', '2']
    notes = [''.join(n.itertext()).strip() for n in second.iterfind('.//x:aside', NS)]
    assert notes == ['1. Note c.', '2. Note d.']
    assert len(second.findall('.//x:section[@class="footnotes"]', NS)) == 1
    assert second[-1].get('class') == 'footnotes'


def test_the_book_metadata_block_does_not_also_title_the_first_chapter(write_book) -> None:
    block = META.replace('lang: en', 'lang: en\nsubtitle: Book Sub')
    book = render(write_book, {'1.md': block + '# One\n\nx'})
    assert book.metadata.subtitle == 'Book Sub'
    assert 'Book Sub' not in book.chapters[0].body


def test_the_same_footnote_label_in_two_files_is_two_notes_and_no_broken_link(write_book) -> None:
    """Found by the Hypothesis EPUBCheck sample: '[^1]' in two chapter files, the usual way to write
    notes, made the second file's backlink a 'broken link' error (MB302), so the book never built."""
    book = render(write_book, {'1.md': META + '# One\n\nA.[^1]\n\n[^1]: First.\n',
                               '2.md': '# Two\n\nB.[^1]\n\n[^1]: Second.\n'})
    assert [str(d) for d in book.diagnostics] == []
    for chapter, text in zip(book.chapters, ('First.', 'Second.'), strict=True):
        section = body(chapter)
        ref = section.find('.//x:a[@role="doc-noteref"]', NS)
        note = section.find(f'.//x:aside[@id="{ref.get("href")[1:]}"]', NS)
        assert note.find('.//x:a[@role="doc-backlink"]', NS).get('href') == f'#{ref.get("id")}'
        assert text in ''.join(note.itertext())
