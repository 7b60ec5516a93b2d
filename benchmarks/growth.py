"""Growth: each shape of hostile (or just large) manuscript at 1x, 2x, 4x and 8x its size.

    python benchmarks/growth.py [--shapes brackets,list-items] [--factors 1,2,4,8] [--budget 60]
    python benchmarks/growth.py --pdf [--shapes list-items,table-rows] [--budget 120]

Each run builds the web edition of a one-chapter book (make-book build -f html, in a child
process, so memory and CPU are the build's own) and prints its CPU seconds and peak memory
as it is measured; then, per shape, the growth exponent of time and of memory between the
smallest and the largest size (1.0 is linear, 2.0 quadratic), with the start-up of a
one-paragraph book subtracted first. A size that takes more than ``--budget`` CPU seconds is
stopped there (RLIMIT_CPU) and the larger ones are skipped: that shape is not linear.
The shapes are those of hardening issue 10 (the attack harness's, research/attacks/run.py).

With ``--pdf``, each size's print edition instead: the book is read and rendered first (not
counted), then ``print_edition`` (every layout, the PDF written, its fonts checked) is timed in
CPU seconds, with where the time went (typesetting the print HTML, WeasyPrint's layouts, writing
the PDF, reading it back for the fonts, the rest), and the pages and layouts it took. Beside it,
in a process of its own, WeasyPrint alone: one render and write_pdf of the same print HTML
(the final layout's, with the same stylesheets and PDF options: tagged), which is what
make-book's passes add to. The
growth exponents are taken without start-up. The 1x sizes are smaller than the web edition's
(``PDF_SIZES``).
With ``--fuzz N`` (and ``--seed S``), N shapes nobody wrote instead (unless ``--shapes`` names
some too): each is a random run of Markdown's and HTML's sharp tokens (brackets, emphasis,
backticks, tags, braces, entities, dollars, note marks, quotes, new lines...) repeated in one
chapter, and a time exponent above 1.3 is named at the end with the run that shows it, to be
made a shape of its own. The same seed gives the same shapes.
Asserts nothing: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOREM = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.'


def _table(n: int) -> str:
    head = '| ' + ' | '.join(f'h{c}' for c in range(8)) + ' |\n|' + '---|' * 8 + '\n'
    return head + '\n'.join('| ' + ' | '.join(f'r{r}c{c}' for c in range(8)) + ' |' for r in range(n))


# name: (unit, size at 1x, the chapter's body for a size)
SHAPES: dict[str, tuple[str, int, Callable[[int], str]]] = {
    'brackets': ('chars', 2_500, lambda n: '[' * n),
    'image-brackets': ('chars', 2_500, lambda n: '![' * n),
    'fence-spaces': ('spaces', 2_500, lambda n: '```' + ' ' * n + '`'),
    'heading-braces': ('braces', 2_500, lambda n: '# ' + '{' * n),
    'list-items': ('items', 2_500, lambda n: '\n'.join(f'- item {i} {LOREM[:40]}' for i in range(n))),
    'table-rows': ('rows', 625, _table),
    'footnotes': ('notes', 375, lambda n: '\n\n'.join(f'Sentence {i}.[^n{i}]' for i in range(n)) + '\n\n'
                  + '\n'.join(f'[^n{i}]: Note {i}.' for i in range(n))),
    'raw-attrs': ('tags', 375, lambda n: '\n\n'.join(f'<span onclick="x{i}">a</span> b' for i in range(n))),
    'emphasis': ('repeats', 1_250, lambda n: '*a **b ' * n),
    'dup-ids': ('headings', 375, lambda n: '\n\n'.join('## Section {#x}\n\nText.' for _ in range(n))),
    'a-runs': ('tags', 2_500, lambda n: 'x ' + '<a ' * n),
    'nested-divs': ('divs', 12_500, lambda n: '<div>' * n + 'x'),
    'unclosed-tags': ('tags', 2_500, lambda n: '\n\n'.join(f'<em>word {i}' for i in range(n))),
    'nested-divs-closed': ('divs', 12_500, lambda n: '<div>' * n + 'x' + '</div>' * n),
    'nested-spans': ('levels', 625, lambda n: '[*' * n + 'x' + '*]{.a}' * n),
    'nested-emphasis': ('levels', 625, lambda n: '*_' * n + 'x' + '_*' * n),
    'nested-inline-html': ('spans', 6_250, lambda n: 'x ' + '<span>' * n + 'y'),
    'nested-quotes': ('levels', 125, lambda n: '>' * n + ' deep'),
    'note-cited-often': ('citations', 625, lambda n: 'x[^a] ' * n + '\n\n[^a]: The note.'),
    # Links in one paragraph go through Python-Markdown's inline processor, which rebuilt the
    # paragraph's text for each match; 'links-relative' are to a file of the book, each checked.
    'links': ('links', 10_000, lambda n: '[a](https://e.org/) ' * n),
    'links-relative': ('links', 10_000, lambda n: '[a](b) ' * n),
    # Links whose text holds brackets: the link's text is read again with the paragraph's
    # bracket table; and neighbours (an image, a reference, brackets nested twice, emphasis).
    'link-brackets': ('links', 5_000, lambda n: '[[x]](https://e.org/) ' * n),
    'image-link-brackets': ('images', 5_000, lambda n: '![[x]](https://e.org/i.png) ' * n),
    'reference-brackets': ('links', 5_000, lambda n: '[x][[y]] ' * n),
    'link-brackets-nested': ('links', 5_000, lambda n: '[[[x]]](https://e.org/) ' * n),
    'emphasis-links': ('links', 5_000, lambda n: '*a [[x]](https://e.org/) **b ' * n),
    'prose': ('paragraphs', 2_500, lambda n: '\n\n'.join(f'{LOREM} *{i}* {LOREM}' for i in range(n))),
    # What the harness's include fan-out (8 levels of 4: 65,536) expands to.
    'paragraphs': ('paragraphs', 8_192, lambda n: '\n\n'.join([LOREM] * n)),
    # Fifth session: shapes nobody had measured (the attack brief's "variants not yet seen").
    'bracketed-link-text': ('links', 2_500, lambda n: '[[x]](y) ' * n),
    'unclosed-comments': ('comments', 2_500, lambda n: 'x <!-- a ' * n),
    'backtick-lengths': ('spans', 250, lambda n: ' '.join('a' + '`' * (i % 50 + 1) for i in range(n * 10))),
    'entity-starts': ('starts', 5_000, lambda n: '&#' * n + ' &a' * n),
    'unclosed-autolinks': ('autolinks', 2_500, lambda n: '<http://a ' * n),
    'attribute-braces': ('braces', 2_500, lambda n: 'word{.a ' * n),
    'span-braces': ('spans', 2_500, lambda n: '[x]{' * n),
    'unclosed-dollars': ('dollars', 2_500, lambda n: '$a ' * n),
    'dollar-pairs': ('formulas', 1_250, lambda n: '$a$ ' * n),
    'unclosed-note-refs': ('refs', 2_500, lambda n: '[^x ' * n),
    'unclosed-note-runs': ('refs', 5_000, lambda n: '[^x' * n),  # found by --fuzz (seed 7)
    'unclosed-comment-spans': ('runs', 2_500, lambda n: '[^<!--`' * n),  # --fuzz (seed 7)
    'citations': ('citations', 2_500, lambda n: '[@a' + '; @b' * n + ']'),
    'unclosed-fenced-divs': ('fences', 1_250, lambda n: '\n\n'.join(['::: box'] * n)),
    'wide-table': ('columns', 625, lambda n: '|' + 'a|' * n + '\n|' + '-|' * n + '\n|' + 'b|' * n),
    'reference-links': ('references', 1_250, lambda n: ' '.join(f'[l{i}]' for i in range(n)) + '\n\n'
                        + '\n'.join(f'[l{i}]: https://e.org/{i}' for i in range(n))),
    'line-breaks': ('lines', 2_500, lambda n: 'a  \n' * n + 'end'),
    'lt-runs': ('tags', 2_500, lambda n: '<! <? </ <![CDATA[ ' * n),
    'quotes-runs': ('quotes', 2_500, lambda n: '"\'a ' * n),
    'escapes': ('escapes', 5_000, lambda n: '\\*' * n),
    'dashes': ('dashes', 5_000, lambda n: 'a -- b ' * n),
    'definition-list': ('terms', 1_250,
                        lambda n: '\n\n'.join(f'Term {i}\n: Definition {i}' for i in range(n))),
    'line-block': ('lines', 1_250, lambda n: '\n'.join(f'| line {i}' for i in range(n))),
    'headings': ('headings', 1_250, lambda n: '\n\n'.join(f'## Heading {i}\n\nText.' for i in range(n))),
    'long-word': ('chars', 250_000, lambda n: 'x' * n),
    'abbr-html': ('tags', 2_500, lambda n: '<abbr title="a">A</abbr> ' * n),
    # Sixth session: every problem of a pass found from the last one (model.Locator.in_order),
    # the triggers of a text looked for once (many matches in one paragraph), fences never
    # closed past the nesting limit.
    'remote-images-distinct': ('images', 5_000, lambda n: ''.join(f'![x](https://e.org/{i}.png) '
                                                                  for i in range(n))),
    'remote-images-paragraphs': ('images', 5_000, lambda n: '\n\n'.join(f'![x](https://e.org/{i}.png)'
                                                                          for i in range(n))),
    'broken-links-distinct': ('links', 5_000, lambda n: ''.join(f'[a](missing{i}.md) ' for i in range(n))),
    'emphasis-word': ('runs', 5_000, lambda n: '*a*b' * n),
    'strike-sub-sup': ('runs', 2_500, lambda n: '~~a~~ H~2~O x^2^ ' * n),
    # Seventh session: pymdownx's emphasis in one paragraph past 20,000 delimiters (each match
    # rebuilt the paragraph), with matches that touch the one before; one plain word and one
    # base64 line in a code block (WeasyPrint laid out the rest of the text for each line).
    'bracket-stars': ('pairs', 10_000, lambda n: '[*' * n),
    # And the inline patterns still applied one match at a time (Python-Markdown's rebuild).
    'code-spans': ('spans', 10_000, lambda n: '`a` ' * n),
    'attribute-spans': ('spans', 5_000, lambda n: '[x]{.c} ' * n),
    # A code span after an even run of backslashes (each read as where a placeholder ends),
    # after a tag ('<' within reach of every span), after a tag whose quoted value the span
    # before closes (a tag read again in the text rebuilt with placeholders); attribute spans
    # nested and holding emphasis.
    'code-spans-escaped': ('spans', 10_000, lambda n: '\\\\`a`' * n),
    'code-spans-tags': ('spans', 5_000, lambda n: '<b>`a`</b> ' * n),
    'code-spans-quoted-tags': ('spans', 2_500, lambda n: '<a title="`"` ' * n),
    'attribute-spans-nested': ('spans', 2_500, lambda n: '[[x]{.c} *y*]{.d} ' * n),
    # Comments that never close, each before a span holding a quote: every comment read to the
    # paragraph's end for every span after it, by the check for a tag that holds the span.
    'code-spans-comments': ('spans', 500, lambda n: 'x ' + '<!-- `"` ' * n),
    'emphasis-touching': ('pairs', 5_000, lambda n: '*a*_b_' * n),
    'emphasis-runs': ('runs', 2_500, lambda n: '***a** b* ' * n),
    'base64-code': ('chars', 250_000, lambda n: '```\n' + ('QUJD' * n)[:n] + '\n```'),
    # Code in a table cell is not wrapped to the measure (pdf/code.py: its measure is unknown).
    'base64-table-code': ('chars', 250_000, lambda n: '| a |\n|---|\n| `' + ('QUJD' * n)[:n] + '` |'),
    'dup-ids-pairs': ('headings', 500,
                      lambda n: '\n\n'.join(f'## A {{#a{i}}}\n\n## B {{#a{i}}}' for i in range(n))),
}

# The shapes --pdf lays out unless told (the attack harness's PDF failures).
# What the fuzz's units are made of: the tokens the parsers treat specially, and some text.
FUZZ_TOKENS = ('[', ']', '(', ')', '*', '**', '_', '__', '`', '``', '~~', '~', '^', '<a ', '<em>', '</em>',
               '<span>', '<!--', '-->', '<', '>', '{', '}', '{.c}', '{#i}', '#', '|', '\\', '&', '&#',
               '&amp;', '$', '$$', '!', '![', '[^', '[@', ':', '"', "'", '=', '-', '+', '1.', ' ', ' ', '\n',
               '  \n', '\n\n', 'x', 'word', 'https://e.org/', '](', ':::', '```', '\t')
# The characters of a fuzz shape at 1x (the unit repeated to about this length).
FUZZ_CHARS = 100_000
# A time exponent above this is named: the shape is to be looked at.
FUZZ_SUSPECT = 1.3


def fuzz_shapes(count: int, seed: int) -> dict[str, tuple[str, int, Callable[[int], str]]]:
    """``count`` random shapes: a unit of 2 to 12 tokens of :data:`FUZZ_TOKENS`, repeated."""
    import random

    chooser = random.Random(seed)
    shapes: dict[str, tuple[str, int, Callable[[int], str]]] = {}
    for number in range(count):
        unit = ''.join(chooser.choice(FUZZ_TOKENS) for _ in range(chooser.randint(2, 12)))
        shapes[f'fuzz-{number}'] = ('units', max(1, FUZZ_CHARS // len(unit)), lambda n, unit=unit: unit * n)
    return shapes


PDF_SHAPES = ('list-items', 'table-rows', 'footnotes', 'paragraphs', 'nested-divs', 'nested-spans')
# The 1x size of each shape in --pdf (its print edition is laid out: hundreds of pages at 8x).
PDF_SIZES = {'list-items': 625, 'table-rows': 312, 'footnotes': 375, 'paragraphs': 2_048,
             'nested-divs': 12_500, 'nested-spans': 625, 'prose': 312, 'unclosed-tags': 625,
             'note-cited-often': 625, 'dup-ids': 375, 'nested-emphasis': 625,
             'link-brackets': 1_250, 'image-link-brackets': 1_250, 'reference-brackets': 1_250,
             'link-brackets-nested': 1_250, 'emphasis-links': 1_250, 'long-word': 2_000,
             'base64-code': 2_000, 'base64-table-code': 2_000}


def _write_book(folder: str, body: str) -> Path:
    book = Path(folder) / 'book'
    book.mkdir()
    (book / '01.md').write_text('---\ntitle: Growth\nauthor: Bench\nlanguage: en\n---\n\n# Chapter\n\n'
                                + body + '\n', encoding='utf-8')
    return book


def _run(command: list[str], budget: int) -> tuple[dict[str, Any], str]:
    """Run ``command`` under a CPU limit of ``budget`` seconds: its CPU seconds, peak MB and exit
    status, and what it printed."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (budget, budget + 5))

    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, preexec_fn=limit, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own CPU time and peak memory
        out.seek(0)
        printed = out.read().decode(errors='replace')
    rc = os.waitstatus_to_exitcode(status)
    return {'seconds': usage.ru_utime + usage.ru_stime, 'mb': usage.ru_maxrss / 1024,
            'rc': rc, 'killed': rc < 0}, printed


def _child(body: str, budget: int) -> dict[str, Any]:
    """Build a book whose chapter is ``body`` in a child process; its CPU seconds and peak MB."""
    with tempfile.TemporaryDirectory(prefix='make-book-growth-') as folder:
        book = _write_book(folder, body)
        code = ('import sys\nfrom makebook.cli import main\n'
                'sys.exit(main(["build", sys.argv[1], "-o", sys.argv[2], "-f", "html", "-q"]))')
        return _run([sys.executable, '-c', code, str(book), str(Path(folder) / 'out')], budget)[0]


def _pdf_child(body: str, budget: int) -> dict[str, Any]:
    """The print edition of a book whose chapter is ``body``, by make-book and by WeasyPrint
    alone, each in a child process: the CPU seconds of the PDF part only, and the whole
    child's peak MB."""
    with tempfile.TemporaryDirectory(prefix='make-book-growth-') as folder:
        book = _write_book(folder, body)
        run, printed = _run([sys.executable, __file__, '--pdf-child', str(book)], budget)
        if run['rc'] != 0 or not printed.strip():
            return {**run, 'naive': {'seconds': math.nan, 'killed': True}}
        measured = json.loads(printed.strip().splitlines()[-1])
        naive, printed = _run([sys.executable, __file__, '--naive-child', str(book), str(measured['pages'])],
                              budget)
        if naive['rc'] == 0 and printed.strip():
            naive.update(json.loads(printed.strip().splitlines()[-1]))
    return {**run, **measured, 'naive': naive}


def _rendered(book: Path) -> Any:
    from makebook.render import render_book
    from makebook.source import read_manuscript

    return render_book(read_manuscript(book))


def _measure_print_edition(book: Path) -> None:
    """(In the child) print_edition's CPU seconds, where they went, its pages and layouts, as JSON."""
    import logging
    import time

    import makebook.pdf as pdf
    from makebook.pdf import document, engine

    rendered = _rendered(book)
    engine._weasyprint()  # imported before the clock starts, as in the other child
    parts = {'typeset': 0.0, 'layout': 0.0, 'write': 0.0, 'fonts': 0.0}

    def timed(part: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                parts[part] += time.process_time() - start
        return wrapper

    document.print_tree = timed('typeset', document.print_tree)  # type: ignore[assignment]
    engine._Setup.render = timed('layout', engine._Setup.render)  # type: ignore[method-assign]
    engine.write = timed('write', engine.write)  # type: ignore[assignment]
    for check in ('check_fonts', 'check_embedded', 'embedded_fonts'):  # the PDF's fonts checked
        if hasattr(pdf, check):
            setattr(pdf, check, timed('fonts', getattr(pdf, check)))
    told: list[str] = []
    logger = logging.getLogger('makebook')
    logger.setLevel(logging.INFO)
    logger.addHandler(type('Told', (logging.Handler,), {'emit': lambda _, r: told.append(r.getMessage())})())
    start = time.process_time()
    printed = pdf.print_edition(rendered)
    seconds = time.process_time() - start
    parts['other'] = seconds - sum(parts.values())
    # 'PDF: 28 pages, laid out 2 times (...)'
    said = next(m for m in told if m.startswith('PDF: ')).split()
    print(json.dumps({'pdf_seconds': seconds, 'pages': int(said[1]), 'layouts': int(said[5]),
                      'bytes': len(printed.pdf), 'parts': parts}))


def _measure_weasyprint_alone(book: Path, pages: int) -> None:
    """(In the child) one WeasyPrint render and write_pdf of the book's print HTML (as laid out for
    ``pages`` pages, with the print edition's stylesheets): CPU seconds, as JSON."""
    import time

    from makebook.pdf import document, engine

    rendered = _rendered(book)
    setup = engine.Session(rendered, pieces=False).setup(pages)
    html = document.print_html(rendered, pages=pages)
    start = time.process_time()
    laid_out = setup.render(setup.weasyprint.HTML(string=html, base_url=rendered.root.as_uri() + '/',
                                                  url_fetcher=setup.fetcher))
    laid_out.write_pdf(**engine._pdf_options(rendered))  # tagged, as the print edition's
    print(json.dumps({'seconds': time.process_time() - start, 'pages': len(laid_out.pages)}))


def _exponent(small: float, large: float, factor: float) -> float:
    return math.log(max(large, 1e-3) / max(small, 1e-3)) / math.log(factor)


def _pdf_growth(shapes: list[str], factors: list[int], budget: int) -> dict[str, list[dict[str, Any]]]:
    """Print each shape's print edition at each size, and its growth: make-book's and WeasyPrint's."""
    print(f'{"shape":13} {"n":>7} {"pages":>5} {"lay.":>4} {"make-book s":>11} {"typeset":>7} {"layout":>7} '
          f'{"write":>6} {"fonts":>6} {"other":>6} {"MB":>5} {"WP alone s":>10} {"MB":>5} {"ratio":>5} '
          f'{"ms/page":>7}', flush=True)
    figures: dict[str, list[dict[str, Any]]] = {}
    for name in shapes:
        _, _, body = SHAPES[name]
        runs: list[dict[str, Any]] = []
        for factor in factors:
            n = PDF_SIZES.get(name, SHAPES[name][1]) * factor
            run = {'n': n, **_pdf_child(body(n), budget)}
            runs.append(run)
            if run['killed'] or 'pdf_seconds' not in run:
                print(f'{name:13} {n:>7,} stopped (rc {run["rc"]}, over {budget} CPU s?)', flush=True)
                break
            parts, naive = run['parts'], run['naive']
            alone = 'stopped' if naive.get('killed') else f'{naive["seconds"]:10.2f}'
            print(f'{name:13} {n:>7,} {run["pages"]:>5} {run["layouts"]:>4} {run["pdf_seconds"]:11.2f} '
                  + ' '.join(f'{parts[p]:{7 if p in ("typeset", "layout") else 6}.2f}'
                             for p in ('typeset', 'layout', 'write', 'fonts', 'other'))
                  + f' {run["mb"]:5.0f} {alone:>10} {naive.get("mb", 0):5.0f}'
                  f' {run["pdf_seconds"] / naive.get("seconds", math.nan):5.2f}'
                  f' {1000 * run["pdf_seconds"] / run["pages"]:7.0f}', flush=True)
        figures[name] = runs
        done = [r for r in runs if 'pdf_seconds' in r and not r['naive'].get('killed')]
        if len(done) >= 2:
            span = done[-1]['n'] / done[0]['n']
            print(f'{name:13} growth exponent {done[0]["n"]:,} -> {done[-1]["n"]:,}: make-book '
                  f'{_exponent(done[0]["pdf_seconds"], done[-1]["pdf_seconds"], span):.2f}, WeasyPrint alone '
                  f'{_exponent(done[0]["naive"]["seconds"], done[-1]["naive"]["seconds"], span):.2f}, pages '
                  f'{_exponent(done[0]["pages"], done[-1]["pages"], span):.2f}', flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--shapes', help='comma-separated: ' + ','.join(SHAPES))
    parser.add_argument('--factors', default='1,2,4,8')
    parser.add_argument('--budget', type=int, default=60, help='CPU seconds per size before giving up')
    parser.add_argument('--json', type=Path, help='also write the figures as JSON')
    parser.add_argument('--pdf', action='store_true', help="each size's print edition instead (PDF_SIZES)")
    parser.add_argument('--fuzz', type=int, default=0, help='this many random shapes (see above)')
    parser.add_argument('--seed', type=int, default=13, help="the fuzz's seed")
    parser.add_argument('--pdf-child', type=Path, help=argparse.SUPPRESS)
    parser.add_argument('--naive-child', nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pdf_child:
        _measure_print_edition(args.pdf_child)
        return
    if args.naive_child:
        _measure_weasyprint_alone(Path(args.naive_child[0]), int(args.naive_child[1]))
        return
    factors = [int(f) for f in args.factors.split(',')]
    if args.pdf:
        shapes = (args.shapes or ','.join(PDF_SHAPES)).split(',')
        pdf_figures = _pdf_growth(shapes, factors, args.budget)
        if args.json:
            args.json.write_text(json.dumps({'shapes': pdf_figures}, indent=1), encoding='utf-8')
        return
    shapes = dict(SHAPES)
    chosen = args.shapes.split(',') if args.shapes else ([] if args.fuzz else list(SHAPES))
    if args.fuzz:
        fuzzed = fuzz_shapes(args.fuzz, args.seed)
        shapes.update(fuzzed)
        chosen += list(fuzzed)
        for name in fuzzed:
            print(f'{name} = {fuzzed[name][2](1)!r} repeated', flush=True)
    start = _child('One paragraph.', args.budget)
    print(f'start-up (a one-paragraph book): {start["seconds"]:.2f} CPU s, {start["mb"]:.0f} MB', flush=True)
    print(f'{"shape":17} {"unit":10} ' + ' '.join(f'{str(f) + "x: n / s / MB":>24}' for f in factors)
          + f' {"time exp.":>9} {"mem exp.":>8}', flush=True)
    figures: dict[str, list[dict[str, float]]] = {}
    suspects: list[str] = []
    for name in chosen:
        unit, base, body = shapes[name]
        cells, runs = [], []
        for factor in factors:
            if runs and runs[-1]['killed']:
                cells.append(f'{"(skipped)":>24}')
                continue
            run = {'n': base * factor, **_child(body(base * factor), args.budget)}
            runs.append(run)
            shown = f'>{args.budget}' if run['killed'] else f'{run["seconds"]:.2f}'
            rc = '' if run['rc'] in (0, 1) else f' rc{run["rc"]}'
            cells.append(f'{run["n"]:,} / {shown} / {run["mb"]:.0f}{rc}'.rjust(24))
        figures[name] = runs
        done = [r for r in runs if not r['killed']]
        if len(done) >= 2 and len(done) == len(runs):
            span = done[-1]['n'] / done[0]['n']
            base = start['seconds']
            time_exp = _exponent(done[0]['seconds'] - base, done[-1]['seconds'] - base, span)
            mem_exp = _exponent(done[0]['mb'] - start['mb'], done[-1]['mb'] - start['mb'], span)
            growth = f'{time_exp:9.2f} {mem_exp:8.2f}'
            if time_exp > FUZZ_SUSPECT and done[-1]['seconds'] - base > 1.0:
                suspects.append(name)
        else:
            growth = f'{"super":>9} {"-":>8}'
            suspects.append(name)
        print(f'{name:17} {unit:10} ' + ' '.join(cells) + ' ' + growth, flush=True)
    for name in suspects:
        print(f'super-linear? {name}: {shapes[name][2](1)!r} repeated', flush=True)
    if args.json:
        args.json.write_text(json.dumps({'start': start, 'shapes': figures}, indent=1), encoding='utf-8')


if __name__ == '__main__':
    main()
