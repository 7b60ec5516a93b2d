"""A word made of more inline elements than any book writes is printed plain, its text kept
(MB336; hardening issue 10: WeasyPrint's line breaker takes such a word's elements' square)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from makebook.errors import Diagnostic
from makebook.model import Locator, SourceFile
from makebook.render import render_book, words
from makebook.render.words import MAX_ELEMENTS_IN_A_WORD, crowded_words
from makebook.source import read_manuscript
from makebook.xhtml import text_content

HEAD = '---\ntitle: T\nauthor: A\nlang: en\n---\n'
X = '{http://www.w3.org/1999/xhtml}'


def _render(write_book, text: str):
    book = render_book(read_manuscript(write_book({'01.md': HEAD + text})))
    bodies = [etree.fromstring(chapter.body) for chapter in book.chapters]
    return bodies, [(d.code, d.line) for d in book.diagnostics]


def _paragraphs(body: etree._Element) -> list[etree._Element]:
    return list(body.iter(f'{X}p'))


def test_the_hostile_brackets_and_emphasis_are_one_plain_word_with_every_character(
        write_book, monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack's `[*`×n: before, 300 levels made one word of 300 <em> that ran off the PDF's page;
    now it is printed plain, with the same text as without the bound, and MB336 at its line (10)."""
    text = '# One\n\n*Kept* before.\n\nBefore. ' + '[*' * 300 + 'x' + '*]{.a}' * 300 + ' after.\n'
    bodies, problems = _render(write_book, text)
    monkeypatch.setattr(words, 'MAX_ELEMENTS_IN_A_WORD', 10**9)
    unbounded, unbounded_problems = _render(write_book, text)
    assert problems == [('MB336', 10)] and unbounded_problems == []
    first, crowded = _paragraphs(bodies[0])
    assert first.find(f'{X}em').text == 'Kept'  # the other paragraph keeps its emphasis
    assert len(crowded) == 0 and crowded.text.startswith('Before. [[[')
    assert text_content(crowded) == text_content(_paragraphs(unbounded[0])[1])
    assert len(_paragraphs(unbounded[0])[1].findall(f'.//{X}em')) > MAX_ELEMENTS_IN_A_WORD


def test_the_bound_is_the_number_of_elements_in_one_word(write_book) -> None:
    at_bound = '<em>a</em>b' * MAX_ELEMENTS_IN_A_WORD
    bodies, problems = _render(write_book, f'# One\n\n{at_bound}\n\nx{at_bound}<em>c</em>\n')
    kept, crowded = _paragraphs(bodies[0])
    assert len(kept.findall(f'{X}em')) == MAX_ELEMENTS_IN_A_WORD
    assert crowded.findall(f'{X}em') == [] and crowded.text == 'x' + 'ab' * MAX_ELEMENTS_IN_A_WORD + 'c'
    assert problems == [('MB336', 10)]


@pytest.mark.parametrize('word', ['*a* ', '<em>a</em>-', '*漢*字', '*ก*ข', '<code>a</code>/',
                                  '<b>a</b>\u200b'],
                         ids=['spaces', 'hyphens', 'cjk', 'thai', 'slashes', 'zero-width-space'])
def test_words_that_a_line_may_break_between_keep_their_formatting(write_book, word: str) -> None:
    bodies, problems = _render(write_book, '# One\n\n' + word * 200 + '\n')
    paragraph = _paragraphs(bodies[0])[0]
    assert len([e for e in paragraph if isinstance(e.tag, str)]) == 200 and problems == []


def test_what_is_more_than_formatting_stays_in_a_plain_word(write_book) -> None:
    """An element with an id, a note call and an image stay, in their places; the emphasis and the
    links to elsewhere around them are text."""
    text = ('# One\n\nA ' + '<em>a</em>[b](https://e.org/)' * 40 + '[kept]{#k}x[^1]y![alt](i.png)z'
            + '<i>c</i>' * 40 + ' end.\n\n[^1]: The note.\n')
    bodies, problems = _render(write_book, text)
    paragraph = _paragraphs(bodies[0])[0]
    assert ('MB336', 8) in problems
    assert [e.tag.replace(X, '') for e in paragraph] == ['span', 'a', 'img']
    span, call, image = paragraph
    assert span.get('id') is not None and span.text == 'kept' and span.tail == 'x'
    assert 'noteref' in (call.get('class') or '') and call.tail == 'y'
    assert image.get('alt') == 'alt' and image.tail == 'z' + 'c' * 40 + ' end.'
    assert paragraph.text == 'A ' + 'ab' * 40


def test_nested_elements_give_back_their_text_in_order() -> None:
    """Unwrapping keeps every text and tail in document order, however the elements nest."""
    markup = ('<body xmlns="http://www.w3.org/1999/xhtml"><p>s <em>a<span>b<code>c</code>d</span>e</em>f'
              + '<b>g<i>h</i></b>' * 40 + '<img src="i.png" alt=""/>t<sub>2</sub> end</p><p>more</p></body>')
    body = etree.fromstring(markup)
    before = text_content(body)
    problems: list[Diagnostic] = []
    source = SourceFile(path=Path('/book/a.md'), name='a.md', markdown='x', first_line=1, front_matter={})
    crowded_words(body, Locator(source), problems)
    assert text_content(body) == before
    paragraph = body[0]
    assert [e.tag.replace(X, '') for e in paragraph] == ['img'] and paragraph.text == 's abcdef' + 'gh' * 40
    assert paragraph[0].tail == 't2 end' and [p.code for p in problems] == ['MB336']
