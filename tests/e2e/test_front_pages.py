"""Dedication and epigraph, from metadata keys or from manuscript headings: the same
pages in the EPUB, the PDF and the web edition."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from tests.tools import Epub, make_book, pdf_pages_text

HEAD = '---\ntitle: Front\nauthor: A\nlang: en\n'
TEXT = '# One\n\nThe first chapter.\n\n# Two\n\nThe second chapter.\n'
BOOKS = {
    'metadata': {'book.md': HEAD + 'dedication: For the compositors.\n'
                 'epigraph: The page is a window.\nepigraph-source: Someone\n---\n' + TEXT},
    'headings': {'book.md': HEAD + '---\n# Dedication {.dedication}\n\nFor the compositors.\n\n'
                 '# Epigraph {.epigraph}\n\n> The page is a window.\n\n— Someone\n\n' + TEXT},
}


@pytest.fixture(params=sorted(BOOKS))
def front_build(request, write_book, tmp_path: Path, capsys) -> Path:
    book = write_book(BOOKS[request.param])
    run = make_book(capsys, book, '-o', tmp_path / 'out', '-f', 'epub,pdf,html')
    assert run.status == 0, run.err
    return tmp_path / 'out'


def test_epub_reads_dedication_then_epigraph_before_the_contents(front_build: Path) -> None:
    epub = Epub(front_build / 'front.epub')
    texts = [' '.join(''.join(d.itertext()).split()) for d in epub.spine_documents()]
    dedication = next(i for i, t in enumerate(texts) if 'For the compositors.' in t)
    epigraph = next(i for i, t in enumerate(texts) if 'The page is a window.' in t)
    contents = next(i for i, d in enumerate(epub.spine_documents())
                    if d.find('.//{*}nav[@{http://www.idpf.org/2007/ops}type="toc"]') is not None)
    chapter = next(i for i, t in enumerate(texts) if 'The first chapter.' in t)
    assert dedication < epigraph < contents < chapter
    assert 'Someone' in texts[epigraph]
    types = [d.find('.//{*}section').get('{http://www.idpf.org/2007/ops}type')
             for d in epub.spine_documents()[dedication:epigraph + 1]]
    assert types == ['dedication', 'epigraph']
    toc = ' '.join(''.join(epub.spine_documents()[contents].itertext()).split())
    assert 'One' in toc and 'Dedication' not in toc.split('Contents')[-1].split('Guide')[0]


def test_pdf_has_a_recto_each_before_the_contents(front_build: Path) -> None:
    pages = [' '.join(t.split()) for t in pdf_pages_text(front_build / 'front.pdf')]
    dedication = next(i for i, t in enumerate(pages) if 'For the compositors.' in t)
    epigraph = next(i for i, t in enumerate(pages) if 'The page is a window.' in t)
    contents = next(i for i, t in enumerate(pages) if t.startswith('Contents'))
    assert 3 < dedication < epigraph < contents
    assert all(i % 2 == 0 for i in (dedication, epigraph, contents))  # rectos
    assert 'Someone' in pages[epigraph]
    assert 'Dedication' not in pages[contents] and 'Epigraph' not in pages[contents]
    chapter = next(i for i, t in enumerate(pages) if 'The first chapter.' in t)
    assert pages[chapter + 1] == '' or pages[chapter + 1].endswith('2')  # arabic from 1


def test_web_edition_puts_them_before_the_contents(front_build: Path) -> None:
    page = html.fromstring((front_build / 'html' / 'index.html').read_bytes())
    text = ' '.join(page.text_content().split())
    assert (text.index('For the compositors.') < text.index('The page is a window.')
            < text.index('Contents') < text.index('The first chapter.'))
    toc = ' '.join(page.get_element_by_id('contents').text_content().split())
    assert 'Dedication' not in toc and 'One' in toc
