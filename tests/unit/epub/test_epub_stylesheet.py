"""The EPUB's stylesheet (content.css, then epub.css) as issue 15's point 12 asks: long words
and addresses wrap, code is not shrunk twice, the scene break is drawn, hyphenation is asked
of every engine, and the contents' links are in the text colour."""

from __future__ import annotations

import re

from makebook.theme import edition_stylesheet

_COMMENT = re.compile(r'/\*.*?\*/', re.S)
_RULE = re.compile(r'([^{}@]+)\{([^{}]*)\}')


def declarations(selector: str, sheet: str = 'epub.css') -> dict[str, str]:
    """Every declaration made for ``selector`` (alone or in a list), later rules winning."""
    css = _COMMENT.sub('', edition_stylesheet(sheet))
    found: dict[str, str] = {}
    for selectors, body in _RULE.findall(css):
        if selector in (s.strip() for s in selectors.split(',')):
            for declaration in body.split(';'):
                name, _, value = declaration.partition(':')
                if value.strip():
                    found[name.strip()] = value.strip()
    return found


def test_long_words_and_addresses_wrap() -> None:
    assert declarations('body')['overflow-wrap'] == 'break-word'
    assert declarations('a')['overflow-wrap'] == 'anywhere'
    assert declarations('pre')['white-space'] == 'pre-wrap'


def test_code_in_a_code_block_is_not_shrunk_twice() -> None:
    assert declarations('pre code')['font-size'] == '1em'
    assert 'Source Code Pro' in declarations('code')['font-family']


def test_the_scene_break_is_drawn_not_generated() -> None:
    rule = declarations('hr')
    assert 'solid' in rule['border-top'] and 'content' not in rule


def test_every_engine_is_asked_to_hyphenate_running_text_and_not_headings() -> None:
    for name in ('hyphens', '-webkit-hyphens', '-epub-hyphens', 'adobe-hyphenate'):
        assert declarations('p')[name] == 'auto'
        assert declarations('h1')[name] == 'none'


def test_the_contents_links_take_the_text_colour() -> None:
    assert declarations('nav#toc a')['color'] == 'inherit'


def test_display_lines_are_balanced_where_the_reader_can() -> None:
    """Point 8 in the EPUB and the web edition: readers that know ``text-wrap: balance`` break
    titles into even lines (the PDF does it itself: pdf/display.py)."""
    for sheet in ('epub.css', 'web.css'):
        for selector in ('h1', '.titlepage .title', '.titlepage .subtitle', '.chapter-subtitle',
                         '.part-title'):
            assert declarations(selector, sheet)['text-wrap'] == 'balance', (sheet, selector)
