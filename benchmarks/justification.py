"""How evenly the print edition is justified, measured from the PDF itself.

    python benchmarks/justification.py [BOOK ...] [--json]

BOOK is a PDF, or a manuscript folder (built to a temporary folder, PDF only);
the default is the shipped essay and a long book made from its sentences
(:func:`long_book`: 100 paragraphs in 10 chapters, about 40 pages). For every line of running text (the book's
body size, so headings, notes, tables and code are left out) it reads the
characters' positions with pdfplumber and prints:

* word spaces: the median space between words on justified lines, in em and
  against the face's natural space; the share of lines whose mean space is
  over 0.40 em (a loose line a reader sees);
* hyphenated line ends: the share of lines ending in a hyphen, and the longest
  run of consecutive hyphenated lines (a "ladder");
* one-word last lines: paragraphs whose last line holds a single word;
* word-fragment lines: lines holding only a piece of a hyphenated word.

Asserts nothing: it prints figures. The tests (tests/e2e/test_typesetting.py)
hold the shipped essay and a long fixture to the targets of issue 15.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOOSE_EM = 0.40  # a mean word space over this is a loose line
HYPHENS = ('-', '\u2010', '\u00ad')
_EDGE = 0.6  # points: a line ending this close to the text block's right edge is justified
DRAWING = '\u25aa'  # an inline formula's ink, as a character of its line


@dataclass
class Line:
    page: int
    top: float
    x0: float
    x1: float
    text: str
    spaces: list[float]  # each word space, in em of the line's size
    size: float
    justified: bool = False
    last: bool = False  # ends its paragraph (short of the right edge)


@dataclass
class Figures:
    book: str
    pages: int = 0
    lines: int = 0  # lines of running text measured
    justified: int = 0  # of which justified (not a paragraph's last line)
    natural_space_em: float = 0.0
    median_space_em: float = 0.0
    median_stretch: float = 0.0  # median space / natural space - 1
    p90_space_em: float = 0.0
    loose_share: float = 0.0  # justified lines with a mean space over LOOSE_EM
    hyphen_share: float = 0.0  # lines ending in a hyphen
    hyphen_run: int = 0  # most consecutive lines ending in a hyphen
    one_word_last_lines: int = 0
    fragment_lines: int = 0  # a line that is only a word's hyphenated piece
    examples: dict[str, list[str]] = field(default_factory=dict)


def text_lines(pdf_path: Path) -> tuple[list[Line], int]:
    """Every line set at the book's body size, in reading order, and the page count."""
    import pdfplumber  # a test extra

    lines: list[Line] = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        pages = [list(page.chars) for page in pdf.pages]
        drawn = [[*page.images, *page.curves] for page in pdf.pages]
    # The body size: the commonest size of the text face (not of code, which fills some books).
    sizes = Counter(round(c['size'], 1) for chars in pages for c in chars
                    if c['text'].strip() and not any(m in c['fontname'] for m in ('Code', 'Mono')))
    if not sizes:
        return [], len(pages)
    body = sizes.most_common(1)[0][0]
    for number, (chars, drawings) in enumerate(zip(pages, drawn, strict=True), start=1):
        lines += _page_lines(number, chars + _inline_drawings(drawings, body), body)
    return lines, len(pages)


def _inline_drawings(drawings: list[dict], body: float) -> list[dict]:
    """Images and drawings no taller than two lines (an inline formula is an SVG drawn as curves)
    as ink on their line, so the gap around a formula is not measured as a word space."""
    return [{'text': DRAWING, 'x0': d['x0'], 'x1': d['x1'], 'top': d['top'], 'bottom': d['bottom'],
             'size': 0.0, 'matrix': (1, 0, 0, 1, d['x0'], 0)}
            for d in drawings if 0 < d['bottom'] - d['top'] < 2 * body and d['x1'] - d['x0'] < 20 * body]


def _page_lines(number: int, chars: list[dict], body: float) -> list[Line]:
    """The page's body-size lines, each with its word spaces; marks justified and last lines."""
    rows: dict[float, list[dict]] = {}
    for char in chars:
        if abs(char['size'] - body) < 0.05:
            baseline = round(char['matrix'][5], 1)
            rows.setdefault(baseline, []).append(char)
    lines = []
    for baseline in sorted(rows, reverse=True):  # PDF y grows upwards
        row = rows[baseline]
        top = min(c['top'] for c in row)
        bottom = max(c['bottom'] for c in row)
        # Characters of other sizes within the line's band (note calls, inline code) belong to it.
        band = [c for c in chars if c['top'] < bottom and c['bottom'] > top
                and ((abs(c['size'] - body) < 0.05 and round(c['matrix'][5], 1) == baseline)
                     or abs(c['size'] - body) >= 0.05)]
        band.sort(key=lambda c: c['x0'])
        text = ''.join(c['text'] for c in band)
        ink = [c for c in band if c['text'].strip()]
        if not ink or len(text.strip()) < 2:
            continue
        lines.append(Line(number, top, ink[0]['x0'], ink[-1]['x1'], text.strip(),
                          _spaces(band, body), body))
    if not lines:
        return []
    right = max(line.x1 for line in lines)
    for line in lines:
        line.justified = line.x1 >= right - _EDGE and len(line.text.split()) > 1 and '....' not in line.text
        line.last = not line.justified
    return lines


def _spaces(band: list[dict], size: float) -> list[float]:
    """The width of each word space of a line (from the ink before it to the ink after), in em;
    not a space beside a formula (its image has room either side of its ink)."""
    spaces, previous_ink, in_space, beside_drawing = [], None, False, False
    for char in band:
        if not char['text'].strip():
            in_space = previous_ink is not None
            continue
        drawing = char['text'] == DRAWING
        if in_space and previous_ink is not None and not (drawing or beside_drawing):
            spaces.append((char['x0'] - previous_ink) / size)
        in_space = False
        previous_ink, beside_drawing = char['x1'], drawing
    return spaces


def natural_space(pdf_path: Path, body: float | None = None) -> float:
    """The face's own space, in em: the median advance of the space glyphs drawn at body size."""
    import pdfplumber

    widths = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for page in pdf.pages[:40]:
            widths += [(c['x1'] - c['x0']) / c['size'] for c in page.chars
                       if c['text'] == ' ' and (body is None or abs(c['size'] - body) < 0.05)]
    return statistics.median(widths) if widths else 0.25


def measure(pdf_path: Path, name: str | None = None) -> Figures:
    lines, pages = text_lines(pdf_path)
    figures = Figures(name or pdf_path.name, pages=pages, lines=len(lines))
    if not lines:
        return figures
    justified = [line for line in lines if line.justified]
    figures.justified = len(justified)
    figures.natural_space_em = natural_space(pdf_path, lines[0].size)
    means = sorted(statistics.fmean(line.spaces) for line in justified if line.spaces)
    if means:
        figures.median_space_em = statistics.median(means)
        figures.median_stretch = figures.median_space_em / figures.natural_space_em - 1
        figures.p90_space_em = means[int(0.9 * (len(means) - 1))]
        figures.loose_share = sum(m > LOOSE_EM for m in means) / len(means)
    ends = [line.text.endswith(HYPHENS) and line.justified for line in lines]
    figures.hyphen_share = sum(ends) / len(lines)
    run = longest = 0
    for index, hyphenated in enumerate(ends):
        same_page = index > 0 and lines[index - 1].page == lines[index].page
        run = run + 1 if hyphenated and (same_page or run == 0) else int(hyphenated)
        longest = max(longest, run)
    figures.hyphen_run = longest
    loose = [f'p{line.page}: {line.text[:60]}' for line in justified
             if line.spaces and statistics.fmean(line.spaces) > LOOSE_EM]
    ladders, one_word, fragments = [], [], []
    for index, line in enumerate(lines):
        before = lines[index - 1] if index else None
        continues = before is not None and before.page == line.page and before.justified \
            and before.text.endswith(HYPHENS)
        alone = len(line.text.split()) == 1  # a no-break space (inline code's) parts words too
        if line.last and alone and before is not None and before.page == line.page \
                and before.justified and abs(line.x0 - before.x0) < 1.0:
            one_word.append(f'p{line.page}: …{before.text[-30:]} / {line.text}')
        # A whole line that is only the head or the tail of a hyphenated word.
        if alone and (line.text.endswith(HYPHENS) or (continues and line.last)):
            fragments.append(f'p{line.page}: {line.text}')
        if index >= 2 and ends[index] and ends[index - 1] and ends[index - 2]:
            ladders.append(f'p{line.page}: {line.text[-25:]}')
    figures.one_word_last_lines = len(one_word)
    figures.fragment_lines = len(fragments)
    figures.examples = {'loose': loose[:8], 'one-word last lines': one_word[:8],
                        'fragments': fragments[:8], 'ladders': ladders[:8]}
    return figures


def long_book(folder: Path, chapters: int = 10, paragraphs: int = 10, seed: int = 15) -> Path:
    """A long book for the line breaker: the essay's sentences shuffled into new paragraphs.

    Every paragraph is a new mix of the same words, so the figures measure how
    lines break in general rather than in the essay's forty paragraphs.
    """
    import random
    import re

    seed_text = (REPO / 'tests' / 'books' / 'essay-seed.txt').read_text(encoding='utf-8')
    sentences = [s for line in seed_text.splitlines() if len(line.split()) > 12
                 for s in re.split(r'(?<=[.!?”])\s+(?=[A-Z“])', line.strip()) if s]
    chance = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'metadata.yaml').write_text('title: A Long Essay\nauthor: Anonymous\nlang: en\n',
                                          encoding='utf-8')
    for number in range(1, chapters + 1):
        body = [' '.join(chance.sample(sentences, chance.randint(3, 9))) for _ in range(paragraphs)]
        (folder / f'{number:02d}.md').write_text(f'# Part of the Essay {number}\n\n' + '\n\n'.join(body)
                                                + '\n', encoding='utf-8')
    return folder


# Inline elements a programming book (the Rust book) or a novel (Moby-Dick's italics) sets in
# running text, and those of a book with formulas and superscripts (the pandoc books).
INLINE_MARKS = ('`{}`', '*{}*', '[{}](https://example.org/)')
FORMULA_MARKS = ('{} $x_i$', '{}<sup>2</sup>', '{} $\\alpha + \\beta$', '$n$th {}', '{}<sub>0</sub>')


def inline_book(folder: Path, chapters: int = 6, paragraphs: int = 10, seed: int = 15,
                marks: tuple[str, ...] = INLINE_MARKS, title: str = 'An Inline Essay') -> Path:
    """:func:`long_book` with inline elements: about one word in six marked with one of
    ``marks`` (inline code, italics, links by default; :data:`FORMULA_MARKS`: formulas,
    superscripts). A line may end just before any of them, where WeasyPrint 70 kept only a
    line's first word; a paragraph holding a formula or a superscript was left to first-fit."""
    import random
    import re

    long_book(folder, chapters, paragraphs, seed)
    chance = random.Random(seed)

    def mark(match: re.Match[str]) -> str:
        word = match.group()
        return chance.choice(marks).format(word) if chance.random() < 0.17 else word

    for chapter in sorted(folder.glob('*.md')):
        heading, _, body = chapter.read_text(encoding='utf-8').partition('\n\n')
        chapter.write_text(heading + '\n\n' + re.sub(r'(?<![\w’\'])[a-z]{3,}(?![\w’\'])', mark, body),
                           encoding='utf-8')
    (folder / 'metadata.yaml').write_text(f'title: {title}\nauthor: Anonymous\nlang: en\n', encoding='utf-8')
    return folder


def build_pdf(manuscript: Path, out: Path) -> Path:
    """Build ``manuscript``'s PDF into ``out`` with the make-book of this checkout."""
    subprocess.run([sys.executable, '-m', 'makebook', 'build', str(manuscript), '-o', str(out), '-q',
                    '--format', 'pdf'], check=True)
    return next(out.glob('*.pdf'))


def report(figures: Figures) -> str:
    return '\n'.join([
        f'{figures.book}: {figures.pages} pages, {figures.lines} lines of text '
        f'({figures.justified} justified)',
        f'  word space: median {figures.median_space_em:.3f} em (natural {figures.natural_space_em:.3f} em, '
        f'{figures.median_stretch:+.0%}), 90th percentile {figures.p90_space_em:.3f} em',
        f'  lines with word spaces over {LOOSE_EM:.2f} em: {figures.loose_share:.1%}',
        f'  hyphenated line ends: {figures.hyphen_share:.1%} (at most {figures.hyphen_run} in a row)',
        f'  one-word last lines: {figures.one_word_last_lines}; '
        f'lines holding only a word fragment: {figures.fragment_lines}',
        *(f'    {kind}: {example}' for kind, examples in figures.examples.items()
          for example in examples[:3]),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('books', nargs='*', type=Path)
    parser.add_argument('--json', action='store_true', help='print the figures as JSON')
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        books = args.books or [REPO / 'manuscript', long_book(Path(scratch) / 'long-essay')]
        for number, book in enumerate(books):
            if book.suffix.lower() == '.pdf':
                results.append(measure(book))
                continue
            out = Path(scratch) / f'out-{number}'
            results.append(measure(build_pdf(book, out), str(book)))
    if args.json:
        print(json.dumps([asdict(figures) for figures in results], indent=2, ensure_ascii=False))
    else:
        print('\n\n'.join(report(figures) for figures in results))


if __name__ == '__main__':
    main()
