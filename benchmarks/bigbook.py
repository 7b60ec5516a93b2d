"""Write a generated book of book scale, for the speed benchmarks (shared by the author's loop and
book-scale speed work).

    python benchmarks/bigbook.py OUT_FOLDER [--words 200000] [--files 120] [--seed 1]

The book is deterministic for a seed: ``--files`` chapter files of about
``--words / --files`` words each, with what real books carry so every stage
does its real work: a metadata.yaml, ``##`` sections, emphasis, curly quotes,
footnotes, links to other chapters and to their sections, scene breaks, a
block quote, a list, an image with alt text every tenth chapter, a table
every fifteenth and a code block every fourth. Plain words from a fixed vocabulary keep it readable in any
font the book face covers.

:func:`write_big_book` is importable for benchmarks that edit one chapter and
rebuild (:func:`edit_chapter` appends a sentence to one file).
"""

from __future__ import annotations

import argparse
import io
import random
from pathlib import Path

_WORDS = (
    'harbour light keeper lamp evening tide shore stone wind gull rope boat island fog bell north '
    'winter morning window letter sister brother garden kitchen road village mountain river field '
    'quiet slow bright dark cold warm small long old young careful patient sudden distant near '
    'walked carried listened watched remembered wrote answered waited climbed opened closed turned '
    'the a of and to in that it with as for on at by from under over through before after while '
    'her his their our its every another each some many few nothing something always never often '
    'again once perhaps still already almost only even just very rather quite too soon later'
)
VOCABULARY = _WORDS.split()


def sentence(rng: random.Random, words: int) -> str:
    text = ' '.join(rng.choice(VOCABULARY) for _ in range(words))
    return text[0].upper() + text[1:] + rng.choice('..?')


def paragraph(rng: random.Random, words: int) -> str:
    """About ``words`` words in sentences of 6 to 22, with emphasis and curly quotes here and there."""
    sentences, count = [], 0
    while count < words:
        length = min(rng.randint(6, 22), max(words - count, 3))
        text = sentence(rng, length)
        roll = rng.random()
        if roll < 0.15:
            head, _, tail = text.partition(' ')
            text = f'{head} *{tail.rstrip(".?!")}*.'
        elif roll < 0.25:
            text = f'“{text}” she said.'
        sentences.append(text)
        count += length
    return ' '.join(sentences)


def chapter(rng: random.Random, number: int, files: int, words: int) -> str:
    """One chapter file of about ``words`` words."""
    lines = [f'# Chapter of the {rng.choice(VOCABULARY)} {number}', '']
    written, section, note = 0, 0, 0
    while written < words:
        size = min(rng.randint(60, 160), max(words - written, 20))
        text = paragraph(rng, size)
        if rng.random() < 0.08:
            note += 1
            text += f'[^n{note}]'
            lines_after = f'[^n{note}]: {sentence(rng, rng.randint(8, 30))}'
        else:
            lines_after = ''
        if rng.random() < 0.05 and files > 1:
            other = rng.randint(1, files)
            text += f' See [the other chapter](ch{other:03d}.md#section-{other}-1).'
        lines += [text, '']
        if lines_after:
            lines += [lines_after, '']
        written = len(' '.join(lines).split())
        roll = rng.random()
        if roll < 0.06 or (section == 0 and written > words // 3):
            section += 1
            lines += [f'## Section {number}.{section} {{#section-{number}-{section}}}', '']
        elif roll < 0.09:
            lines += ['***', '']
        elif roll < 0.11:
            lines += ['> ' + paragraph(rng, 40), '']
        elif roll < 0.13:
            lines += [f'- {sentence(rng, 6)}' for _ in range(3)] + ['']
    if section == 0:  # every chapter has a section other chapters can link to
        lines += [f'## Section {number}.1 {{#section-{number}-1}}', '', paragraph(rng, 20), '']
    if number % 10 == 0:
        lines += [f'![A small {rng.choice(VOCABULARY)} picture](images/plate.png)', '']
    if number % 15 == 0:
        lines += ['| tide | hour |', '|---|---|', '| high | six |', '| low | noon |', '']
    if number % 4 == 0:  # a code block (highlighted by Pygments) every fourth chapter
        lines += ['```python', f'def tide_{number}(hour):', f'    """{sentence(rng, 6)}"""',
                  f'    return [hour * {number} for _ in range(3)]', '```', '']
    return '\n'.join(lines)


def write_big_book(folder: Path, words: int = 200_000, files: int = 120, seed: int = 1) -> Path:
    """Write the book into ``folder`` (created); returns it."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'images').mkdir(exist_ok=True)
    (folder / 'images' / 'plate.png').write_bytes(_png())
    (folder / 'metadata.yaml').write_text(
        'title: The Long Harbour\nauthor: A. Generated\nlang: en\n'
        'rights: Generated for make-book benchmarks.\n', encoding='utf-8')
    for number in range(1, files + 1):
        text = chapter(rng, number, files, words // files)
        (folder / f'ch{number:03d}.md').write_text(text, encoding='utf-8')
    return folder


def edit_chapter(folder: Path, number: int, text: str = 'One more sentence, written later.') -> Path:
    """Append a paragraph to chapter ``number``, as an author's save would."""
    path = folder / f'ch{number:03d}.md'
    path.write_text(path.read_text(encoding='utf-8') + f'\n{text}\n', encoding='utf-8')
    return path


def _png() -> bytes:
    """A small grey picture (Pillow is one of make-book's own dependencies)."""
    from PIL import Image

    stream = io.BytesIO()
    Image.new('RGB', (120, 80), (90, 90, 90)).save(stream, 'PNG')
    return stream.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('folder', type=Path)
    parser.add_argument('--words', type=int, default=200_000)
    parser.add_argument('--files', type=int, default=120)
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    write_big_book(args.folder, args.words, args.files, args.seed)
    total = sum(len(p.read_text(encoding='utf-8').split()) for p in args.folder.glob('*.md'))
    print(f'{args.folder}: {args.files} files, {total} words')


if __name__ == '__main__':
    main()
