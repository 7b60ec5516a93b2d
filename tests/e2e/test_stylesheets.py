"""Stylesheets named in the metadata: applied to the editions they are for, and confined."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tests.tools import epubcheck_messages, make_book, pdf_chars, run_epubcheck

HEAD = ('---\ntitle: Styled\nauthor: A\nlang: en\ncss: style/all.css\nepub-css: [style/epub.css]\n'
        'print-css: style/print.css\nweb-css: style/web.css\n---\n# Opening\n\nText.\n')


def test_each_stylesheet_reaches_the_editions_it_names(capsys, write_book, tmp_path: Path) -> None:
    book = write_book({
        '01.md': HEAD,
        'style/all.css': 'p { letter-spacing: 0.01em; } /* all */\n',
        'style/epub.css': 'h1 { color: #0000ef; } /* epub */\n',
        'style/print.css': 'h1 { color: #ab0000; } /* print */\n',
        'style/web.css': 'h1 { color: #00cd00; } /* web */\n',
    })
    out = tmp_path / 'out'
    run = make_book(capsys, book, '-o', out)
    assert run.status == 0, run.err
    epub_css = zipfile.ZipFile(out / 'styled.epub').read('EPUB/styles/book.css').decode()
    web_css = (out / 'html' / 'style.css').read_text(encoding='utf-8')
    assert '/* all */' in epub_css and '/* epub */' in epub_css
    assert '/* print */' not in epub_css and '/* web */' not in epub_css
    assert '/* all */' in web_css and '/* web */' in web_css and '/* epub */' not in web_css
    # Laid last in the PDF, the print sheet wins over the theme: the heading is red.
    pages, _ = pdf_chars(out / 'styled.pdf')
    heading = [c for page in pages for c in page if c['text'] == 'O' and c['size'] > 15]
    assert epubcheck_messages(run_epubcheck(out / 'styled.epub', tmp_path)) == []
    assert heading and all(tuple(round(v, 2) for v in c['non_stroking_color']) == (0.67, 0.0, 0.0)
                           for c in heading)


def test_a_stylesheet_may_not_load_files_or_leave_the_book(capsys, write_book, tmp_path: Path) -> None:
    book = write_book({
        '01.md': HEAD.replace('print-css: style/print.css', 'print-css: style/print.txt'),
        'style/all.css': 'p { color: red; }\n@font-face { src: url(fonts/x.ttf) }\n',
        'style/epub.css': 'h1 { background: url("data:image/png;base64,AAAA") }\n',
        'style/print.txt': 'h1 { }\n',
        'style/web.css': '@import "//127.0.0.1/x.css";\nstray\n',
    })
    run = make_book(capsys, book, '-o', tmp_path / 'out')
    assert run.status == 1
    assert f"{book / 'style' / 'all.css'}:2: MB113 error: 'fonts/x.ttf': an extra stylesheet may load only" \
        in run.err
    assert f"{book / 'style' / 'web.css'}:1: MB113 error: '//127.0.0.1/x.css'" in run.err
    assert f"{book / 'style' / 'web.css'}:2: MB112 error: CSS syntax error" in run.err
    assert f"{book / '01.md'}:7: MB111 error: metadata 'print-css': 'style/print.txt' is not a .css file" \
        in run.err
    assert 'epub.css' not in run.err  # a small data: URL is fine
    assert not (tmp_path / 'out').exists()


def test_a_stylesheet_may_not_load_through_var_data_urls_or_nested_imports(capsys, write_book,
                                                                            tmp_path: Path) -> None:
    """Issue 10's smaller leaks, the fourth session's variants: an address in a custom property
    used by image-set(), a data: stylesheet that imports, a data: SVG that loads, an @import
    inside a block. Each is an error at its line and no edition is written."""
    book = write_book({
        '01.md': HEAD,
        'style/all.css': ':root { --a: "http://127.0.0.1:9/a" }\n'
                         'p { background-image: -webkit-image-set(var(--a) 1x) }\n',
        'style/epub.css': 'p { color: red }\n@import url("data:text/css,@import url(http://127.0.0.1:9/b);");\n',
        'style/print.css': "h1 { background: url(\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'>"
                           "<image href='http://127.0.0.1:9/c'/></svg>\") }\n",
        'style/web.css': 'p { color: red }\n\n@media screen { @import "http://127.0.0.1:9/d"; }\n',
    })
    run = make_book(capsys, book, '-o', tmp_path / 'out')
    assert run.status == 1
    for name, line, what in (('all', 2, 'var(--a)'), ('epub', 2, 'data:text/css'),
                             ('print', 1, 'data:image/svg+xml'), ('web', 3, 'http://127.0.0.1:9/d')):
        assert f"{book / 'style' / f'{name}.css'}:{line}: MB113 error: '{what}" in run.err, (name, run.err)
    assert not (tmp_path / 'out').exists()


def test_an_svg_that_loads_in_a_way_a_byte_search_missed_is_refused(capsys, write_book,
                                                                     tmp_path: Path) -> None:
    """The fourth session's SVG variants, as images of a book: an @import after a comment in
    <style>, one spelled by an entity, an <?xml-stylesheet?> in a UTF-16 file. Each is an error
    at the image's line (the SVG reaches no edition)."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg">{}</svg>'
    book = write_book({
        '01.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\n'
                 '![a](a.svg)\n\n![b](b.svg)\n\n![c](c.svg)\n',
        'a.svg': svg.format('<style><!-- -->@import "http://127.0.0.1:9/a";</style>'),
        'b.svg': '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY i "@import \'http://127.0.0.1:9/b\';">]>\n'
                 + svg.format('<style>&i;</style>'),
        'c.svg': ('<?xml version="1.0" encoding="UTF-16"?>\n<?xml-stylesheet href="http://127.0.0.1:9/c"?>\n'
                  + svg.format('')).encode('utf-16'),
    })
    run = make_book(capsys, book, '-o', tmp_path / 'out')
    assert run.status == 1
    for line, name, why in ((8, 'a', 'stylesheet that loads'), (10, 'b', 'stylesheet that loads'),
                            (12, 'c', 'processing instruction <?xml-stylesheet?>')):
        found = rf"01\.md:{line}: MB305 error: image '{name}\.svg': .*{re.escape(why)}"
        assert re.search(found, run.err), run.err
    assert not (tmp_path / 'out').exists()
