"""The print document's typesetting, in-process: code wrapping, inline code breaks, lead-ins,
hyphenation rules (issue 15). The real PDFs are checked in tests/e2e/test_typesetting.py."""

from __future__ import annotations

import json
import os
import time

from lxml import etree, html

from makebook.model import XHTML_NS
from makebook.pdf import code, document, hyphenate, justify, linebreak
from makebook.pdf.document import print_html
from makebook.render import render_book
from makebook.source import read_manuscript

X = f'{{{XHTML_NS}}}'


def xhtml(markup: str) -> etree._Element:
    return etree.fromstring(f'<div xmlns="{XHTML_NS}">{markup}</div>')


def text_of(node: etree._Element) -> str:
    return ''.join(node.itertext())


def test_a_long_code_line_is_wrapped_at_a_space_with_a_mark_and_indented() -> None:
    block = xhtml('<pre><code>    let total = first_value + second_value + third_value;\nshort</code></pre>')
    code.wrap_lines(block.find(f'{X}pre'), 40)
    lines = text_of(block).split('\n')
    assert lines[0] == '    let total = first_value +' + code.WRAP_MARK
    assert lines[1].startswith('      second_value')  # its own indent, and two more
    assert all(len(line) <= 40 for line in lines)
    assert lines[-1] == 'short'
    assert block.find(f'.//{X}span[@class="code-wrap"]').text == code.WRAP_MARK


def test_wrapping_keeps_the_highlighting_markup_around_the_break() -> None:
    block = xhtml('<pre><span class="k">def</span> <span class="nf">f</span>('
                  + ', '.join(f'argument_{n}' for n in range(8)) + '):</pre>')
    pre = block.find(f'{X}pre')
    code.wrap_lines(pre, 30)
    assert pre.find(f'{X}span[@class="k"]').text == 'def'
    assert all(len(line) <= 30 for line in text_of(pre).split('\n'))
    assert text_of(pre).replace(code.WRAP_MARK, '').split() == (
        'def f(' + ', '.join(f'argument_{n}' for n in range(8)) + '):').split()


def test_a_word_longer_than_the_measure_is_cut_at_the_measure() -> None:
    block = xhtml('<pre>' + 'x' * 70 + '</pre>')
    code.wrap_lines(block.find(f'{X}pre'), 30)
    assert [len(line) for line in text_of(block).split('\n')] == [30, 30, 16]


def test_the_measure_of_a_code_block_is_narrower_in_a_list_and_unknown_in_a_table() -> None:
    block = xhtml('<pre>a</pre><ul><li><pre>b</pre></li></ul><table><tr><td><pre>c</pre></td></tr></table>')
    top, listed, cell = block.iter(f'{X}pre')
    assert code.columns(300, top) > code.columns(300, listed)
    assert code.columns(300, cell) is None


def test_inline_code_may_break_after_separators_only() -> None:
    block = xhtml('<p><code>guess.trim().parse::&lt;u32&gt;()</code> and <code>PartialEq</code></p>')
    code.break_inline_code(block)
    first, second = block.iter(f'{X}code')
    pieces = [first.text, *(w.tail for w in first.iter(f'{X}wbr'))]
    assert pieces == ['guess.', 'trim().', 'parse::', '<u32>()']
    assert second.find(f'{X}wbr') is None


def test_plain_english_is_hyphenated_with_american_patterns() -> None:
    assert hyphenate.pattern_language('en') == 'en_US'
    assert hyphenate.pattern_language('en-US') == 'en_US'
    assert hyphenate.pattern_language('en-GB') == 'en_GB'
    assert hyphenate.pattern_language('en-AU') == 'en_GB'
    assert hyphenate.pattern_language('fr') == 'fr'
    assert hyphenate.points('documentary', 'en_US') == (3, 4, 7)  # doc-u-men-tary
    assert hyphenate.points('actresses', 'en_US') == (2,)  # ac-tresses, never act-resses
    assert hyphenate.protected('Mathilda') and hyphenate.protected('NASA')
    assert not hyphenate.protected('documentary')


PARAGRAPH = ('Mathilda remembered everything Stansfield said about the extraordinary circumstances, '
             'and the conversation continued uncomfortably through the afternoon while the '
             'unforgettable photographs of the neighbourhood were considered and reconsidered by '
             'everybody who had gathered in the apartment, waiting patiently for tomorrow.')


def _set(markup: str, width: float = 160.0) -> etree._Element:
    block = xhtml(f'<section class="chapter">{markup}</section>')
    justify.justify(block, width, 'en')
    return block


def test_a_paragraph_is_broken_by_make_book_with_one_soft_hyphen_per_hyphenated_line() -> None:
    block = _set(f'<p>{PARAGRAPH}</p>', 150.0)
    text = text_of(block)
    plain = text.replace(justify.SOFT_HYPHEN, '').replace(justify.NBSP, ' ').replace(justify.WORD_JOINER, '')
    assert plain == PARAGRAPH  # not a letter changed
    words = text.replace(justify.NBSP, ' ').split()
    broken = [w for w in words if justify.SOFT_HYPHEN in w]
    assert broken, 'a narrow measure needs hyphens'
    assert all(w.count(justify.SOFT_HYPHEN) == 1 for w in broken)
    assert not any(w[0].isupper() for w in broken)  # names are never broken
    assert justify.SOFT_HYPHEN not in words[-1]  # nor the last word


def test_block_quotations_and_list_items_are_set_too_but_not_code_or_headings() -> None:
    block = _set(f'<blockquote><p>{PARAGRAPH}</p></blockquote><ul><li>{PARAGRAPH}</li></ul>'
                 f'<h2>{PARAGRAPH}</h2><pre>{PARAGRAPH}</pre>', 150.0)
    quote, item, heading, pre = (block.find(f'.//{X}{tag}') for tag in ('blockquote', 'li', 'h2', 'pre'))
    assert justify.SOFT_HYPHEN in text_of(quote) and justify.SOFT_HYPHEN in text_of(item)
    assert text_of(heading) == PARAGRAPH and text_of(pre) == PARAGRAPH


def test_italic_text_is_set_too_though_the_italic_has_no_hyphen_of_its_own() -> None:
    """Source Serif Pro Italic lacks U+2010: measuring it made every paragraph with italics
    unmeasurable (399 of 586 in a generated 60,000-word book), left loose and unhyphenated."""
    block = _set(f'<p><em>{PARAGRAPH}</em></p>', 150.0)
    assert justify.SOFT_HYPHEN in text_of(block)


def test_inline_code_breaks_between_names_only_where_the_paragraph_s_lines_end() -> None:
    """Inline code marked to break between names (<wbr>, pdf/code.py) is set by the line breaker
    too: each <wbr> is taken out, and a zero-width space (where WeasyPrint breaks) left only
    where a chosen line ends; before, every such paragraph was left to first-fit."""
    calls = ' '.join(['<code>sensors::lamp::read_temperature()</code> then'] * 6)
    block = xhtml(f'<section class="chapter"><p>The keeper calls {calls} and writes it down in the '
                  'log, as the service asks of every keeper on every night of the year.</p></section>')
    code.break_inline_code(block)
    assert block.find(f'.//{X}wbr') is not None
    justify.justify(block, 220.0, 'en')
    paragraph = block.find(f'.//{X}p')
    assert paragraph.find(f'.//{X}wbr') is None
    text = text_of(paragraph)
    assert 0 < text.count(justify.ZERO_WIDTH_SPACE) < 6 * 2  # some places, not every one
    plain = text.replace(justify.ZERO_WIDTH_SPACE, '').replace(justify.NBSP, ' ')
    plain = plain.replace(justify.SOFT_HYPHEN, '').replace(justify.WORD_JOINER, '')
    assert plain.count('sensors::lamp::read_temperature()') == 6  # not a letter lost


def test_a_class_no_print_stylesheet_names_is_only_a_name() -> None:
    """Quarto's spans ([text]{.james-otis-rights}) and a paragraph's own class are set like the
    text around them; a class print.css styles (.smallcaps is restated, .chapter-number is not)
    still leaves its block to WeasyPrint."""
    assert not justify.styled({'james-otis-rights', 'media-note'})
    assert justify.styled({'chapter-number'}) and justify.styled({'callout-note'})  # [class*='callout']
    block = _set(f'<p class="media-note">{PARAGRAPH[:90]} <span class="james-otis-rights">'
                 f'{PARAGRAPH[90:]}</span></p><p class="chapter-number">{PARAGRAPH}</p>', 150.0)
    first, second = block.iter(f'{X}p')
    assert justify.NBSP in text_of(first) and justify.NBSP not in text_of(second)


def test_what_cannot_be_measured_is_left_to_weasyprint() -> None:
    block = _set(f'<p>{PARAGRAPH}<img src="plate.png" alt="a plate"/> {PARAGRAPH}</p>', 150.0)
    assert justify.SOFT_HYPHEN not in text_of(block) and justify.NBSP not in text_of(block)


def _formula(width_px: float) -> str:
    import base64

    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="14"></svg>'
    data = base64.b64encode(svg.encode()).decode()
    return f'<img class="math inline" alt="x" src="data:image/svg+xml;base64,{data}"/>'


def test_superscripts_and_formulas_are_set_by_the_line_breaker_too() -> None:
    """A superscript is text at WeasyPrint's 'smaller' size (9pt in 10.5pt text), a formula a box
    as wide as its SVG; a formula touching a word is glued to it (WeasyPrint may break beside an
    image as beside an ideograph). Before, each such paragraph was left to first-fit."""
    assert [round(justify.smaller(size), 3) for size in (10.5, 9.8, 7.0)] == [9.0, 9.0, 5.6]
    block = _set(f'<p>{PARAGRAPH}<sup>2</sup> {PARAGRAPH}</p><p>{PARAGRAPH} where {_formula(30)}th '
                 f'of{_formula(12)} {PARAGRAPH}</p>', 150.0)
    first, second = block.iter(f'{X}p')
    assert justify.SOFT_HYPHEN in text_of(first) and justify.SOFT_HYPHEN in text_of(second)
    formulas = second.findall(f'{X}img')
    assert formulas[0].tail.startswith(justify.WORD_JOINER + 'th')  # "$n$th" stays one word
    assert formulas[0].tail.endswith('of' + justify.WORD_JOINER)  # so does "of$x$"
    assert second.text[-1] in (' ', justify.NBSP)  # a space before a formula is a space


def test_a_line_break_of_the_author_s_ends_a_stretch_broken_on_its_own() -> None:
    """A paragraph with a <br> (an address, a verse quoted in prose) is set too: each stretch
    between breaks as a paragraph of its own, the break kept."""
    block = _set(f'<p>{PARAGRAPH}<br/>{PARAGRAPH} <br/> Yours, the keeper</p>', 150.0)
    paragraph = block.find(f'.//{X}p')
    assert len(paragraph.findall(f'{X}br')) == 2
    before, middle, after = [paragraph.text, *(br.tail for br in paragraph.findall(f'{X}br'))]
    for stretch in (before, middle):
        assert justify.SOFT_HYPHEN in stretch or justify.NBSP in stretch  # set by make-book
        assert justify.SOFT_HYPHEN not in stretch.split()[-1]  # a stretch's last word is whole
    plain = text_of(paragraph).replace(justify.SOFT_HYPHEN, '').replace(justify.NBSP, ' ')
    assert plain.replace(justify.WORD_JOINER, '') == f'{PARAGRAPH}{PARAGRAPH}  Yours, the keeper'
    assert 'Yours' in after


def test_the_line_breaker_never_sets_three_hyphens_in_a_row_nor_a_last_word_alone() -> None:
    block = xhtml(f'<section class="chapter"><p>{PARAGRAPH} {PARAGRAPH}</p></section>')
    metrics = justify.Metrics()
    runs = list(justify._runs(block.find(f'.//{X}p'), 'en', 10.5, metrics))
    tokens, spaces = justify._tokens(runs)
    items, _ = justify._items(tokens, spaces, runs, metrics, 10.5)
    space = metrics.width(' ', justify.Style('regular', 10.5))
    for width in (110.0, 140.0, 200.0):
        measure = linebreak.Measure(first=width, rest=width, space=space, least=space - 0.5, loose=4.2)
        breaks = linebreak.best_breaks(items, measure)
        assert breaks is not None and breaks[-1] == len(items)
        ends = [isinstance(items[b], linebreak.Break) and items[b].hyphen for b in breaks[:-1]]
        assert not any(all(ends[i:i + 3]) for i in range(len(ends) - 2)), width
        assert sum(isinstance(i, linebreak.Space) for i in items[breaks[-2] + 1:]) >= 1, width


def test_a_dash_in_a_word_measured_whole_is_glued() -> None:
    """A paragraph's last word, a word across runs: measured as one box, so a dash in them must not
    be a place WeasyPrint breaks ("...not a bash built- / in." in the Bash book, a word alone)."""
    block = _set(f'<p>{PARAGRAPH} A well-<em>known</em> fact {_formula(20)} is not a built-in.</p>', 150.0)
    text = text_of(block)
    assert 'well-' + justify.WORD_JOINER + 'known' in text
    assert text.endswith('built-' + justify.WORD_JOINER + 'in.')


def test_a_wider_space_counts_inside_a_line_but_not_at_its_end() -> None:
    """A space in code is wider than the text's, but like any space it goes at a break: first-fit
    reaches it ("in versions <" fits where "in versions < " would not), so the line breaker must
    stop it there (the Bash book's "versions < / 4.4.")."""
    items: list[linebreak.Item] = [linebreak.Box(60), linebreak.Space(), linebreak.Box(20),
                                   linebreak.Space(extra=10), linebreak.Box(30)]
    measure = linebreak.Measure(first=85, rest=85, space=2.5, least=2.0, loose=4.2)
    assert linebreak.forbidden(items, [1, len(items)], measure) == [3]
    assert linebreak.best_breaks(items, measure) == [3, len(items)]  # 60 + 2 + 20 fits; 30 goes down


def _laid_out_lines(body: str, width: float) -> list[str]:
    """The lines WeasyPrint lays ``body`` out in, ``width`` px wide, as text."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    from makebook.pdf import patches

    assert patches.last_space_hangs()
    style = f'@page {{ size: 400px 900px; margin: 10px }} body {{ font: 12px serif; width: {width}px }}'
    document = weasyprint.HTML(string=f'<style>{style}</style><p>{body}</p>').render()
    lines = []
    for line in document.pages[0]._page_box.descendants():
        if isinstance(line, boxes.LineBox):
            lines.append(''.join(box.text for box in line.descendants() if isinstance(box, boxes.TextBox)))
    return lines


def test_a_line_breaks_before_an_inline_element_where_its_text_fits_but_for_its_last_space() -> None:
    """WeasyPrint 70 kept only the first word ("aaaa" alone on a line) of a text that fitted but
    for the space before an inline element; and of a text glued to the element by a no-break space,
    where an earlier break fitted (pdf/patches.py)."""
    plain = 'aaaa bbbb cccc dddd eeee fff'
    for width in (176, 180, 184):  # the text fits; with its last space it does not
        lines = _laid_out_lines(f'{plain} <code>longwordxx</code>. tail words here.', width)
        assert lines[0] in (plain, plain.rsplit(' ', 1)[0]), (width, lines)
    for width in (210, 230, 250):  # before: "aaaa", "bbbb", ... a word a line
        lines = _laid_out_lines(f'{plain} ggg\u00a0<code>longwordxx</code>. tail words here.', width)
        assert lines[:2] == [plain, 'ggg\u00a0longwordxx. tail words here.'], (width, lines)


def test_first_fit_is_stopped_from_going_past_the_chosen_break() -> None:
    items: list[linebreak.Item] = [linebreak.Box(20), linebreak.Space(), linebreak.Box(20), linebreak.Space(),
                                   linebreak.Box(20), linebreak.Space(), linebreak.Box(50)]
    measure = linebreak.Measure(first=70, rest=70, space=2.5, least=2.0, loose=4.2)
    # Breaking after the first word, first-fit would still have gone on to the third.
    assert linebreak.forbidden(items, [1, len(items)], measure) == [3, 5]


def test_the_lead_in_takes_the_first_words_to_a_natural_break() -> None:
    length = document._lead_in_length
    assert length(['Alright,', 'so', 'here’s', 'the', 'thing,', 'when', 'Léon', 'first', 'came', 'out']) == 5
    assert length(['Some', 'films', 'leave', 'a', 'mark', 'long', 'after', 'the', 'credits', 'roll.']) == 5
    assert length(['Okay,', 'so', 'let', 'me', 'tell', 'you', 'about', 'the', 'time', 'I', 'got']) == 4
    assert length(['I', 'didn’t', 'expect', 'to', 'cry', 'during', 'Léon:', 'The', 'Professional.']) == 7
    assert length(['Short.']) == 0


def test_the_print_document_marks_the_lead_in_and_no_first_line(write_book) -> None:
    book = render_book(read_manuscript(write_book({
        '01.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\n'
                 'Alright, so here’s the thing, when it first came out it did fine.\n\nMore.\n'})))
    page = html.document_fromstring(print_html(book))
    lead = page.find('.//section//span[@class="lead-in"]')
    assert lead is not None and lead.text == 'Alright, so here’s the thing,'


def test_a_rebuild_sets_each_block_as_the_previous_build_decided_it(monkeypatch) -> None:
    # The decisions go to the cache as JSON (pdf/justify) and come back for the next build: the
    # same markup without deciding anything again; an entry that does not read back is decided.
    markup = ('<p>The keeper climbed the hundred and twelve steps of the tower every evening, '
              'trimmed the <em>wicks</em>, wound the clockwork and wrote the weather in the '
              'log, as the service asks of every keeper on every night of the year.</p>'
              '<p>Short.</p><p>Another paragraph <code>with::some::code</code> to set and to '
              'hyphenate where the measure calls for it, unconditionally.</p>')
    justify.recall(None)
    first = etree.tostring(_set(markup))
    kept = json.loads(json.dumps(justify.recalled()))
    assert len(kept) == 3

    def undecided(*_: object) -> None:
        raise AssertionError('decided again')

    monkeypatch.setattr(justify, '_DECIDED', {})
    monkeypatch.setattr(justify, '_decide', undecided)
    justify.recall(kept)
    assert etree.tostring(_set(markup)) == first
    assert justify.recalled() == kept

    monkeypatch.undo()
    monkeypatch.setattr(justify, '_DECIDED', {})
    justify.recall({digest: [True, 'damaged', []] for digest in kept})
    assert etree.tostring(_set(markup)) == first
    assert justify.recalled() == kept


def test_blocks_decided_by_two_processes_are_set_as_one_process_sets_them(monkeypatch) -> None:
    # Half the blocks are decided by a fork (pdf/helper.py) and come back as the cache's
    # decisions do; every block is set once, in order, and the tree is the one-process tree.
    words = ['keeper', 'tower', 'evening', 'wicks', 'clockwork', 'weather', 'service', 'unconditionally',
             'hyphenate', 'measure', 'extraordinary', 'lighthouse']
    markup = ''.join(f'<p>{" ".join(words[(n + k) % len(words)] for k in range(30 + n % 7))}.</p>'
                     for n in range(12))
    monkeypatch.setattr(justify, '_SHARED_FROM', 4)
    made = {}
    for processes in (1, 2):
        monkeypatch.setattr(justify, '_DECIDED', {})
        justify.recall(None)
        block = xhtml(f'<section class="chapter">{markup}</section>')
        justify.justify(block, 160.0, 'en', processes)
        made[processes] = (etree.tostring(block, encoding='unicode'), justify.recalled())
    assert made[2] == made[1]
    assert len(made[1][1]) == 12 and made[1][0].count('\u00ad') >= 6  # lines chosen: soft hyphens set


def test_the_second_process_decides_its_share(monkeypatch) -> None:
    """What the fork decides reaches this process as stored decisions: this one decides only
    the blocks it took from the queue they share (each block decided once, by one of them)."""
    markup = ''.join(f'<p>Paragraph {n} has words enough to be broken into lines by the line breaker, '
                     'with hyphenation where the measure calls for it.</p>' for n in range(10))
    monkeypatch.setattr(justify, '_SHARED_FROM', 4)
    monkeypatch.setattr(justify, '_DECIDED', {})
    justify.recall(None)
    decided_here = []
    decide = justify._decide

    def counted(*args: object) -> object:
        time.sleep(0.05)  # long enough that the fork, started after the queue, takes some
        decided_here.append(os.getpid())
        return decide(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(justify, '_decide', counted)
    justify.justify(xhtml(f'<section class="chapter">{markup}</section>'), 160.0, 'en', 2)
    from_the_fork = len(justify._STORED)
    assert 1 <= len(decided_here) <= 9 and set(decided_here) == {os.getpid()}
    assert len(decided_here) + from_the_fork == 10
    assert len(justify.recalled()) == 10
