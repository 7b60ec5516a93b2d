"""``make-book new DIR``: start a book that builds at once.

DIR becomes a project folder: ``manuscript/`` (metadata with every common key
shown, two short chapters that show a footnote, an image, a scene break and
links between chapters) and a ``.gitignore`` for the output folder, which the
metadata puts at ``DIR/build``. ``make-book build DIR`` and, inside DIR,
``make-book`` both build it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
from pathlib import Path

from makebook import codes
from makebook.commands.common import Command, Printer, guarded
from makebook.errors import OutputError, UsageError

MANUSCRIPT = 'manuscript'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('folder', type=Path, metavar='DIR',
                        help='the folder to create (it may exist if it is empty)')
    parser.add_argument('--title', help="the book's title (default: from DIR's name)")
    parser.add_argument('--author', help='the author (default: your name on this computer)')
    parser.add_argument('--lang', default='en',
                        help='the language, a BCP 47 tag such as en, en-GB, fr (default: en)')
    parser.add_argument('-q', '--quiet', action='store_true', help='print nothing but problems')


def run(args: argparse.Namespace) -> int:
    printer = Printer(quiet=args.quiet)
    return guarded(printer, lambda: _new(args, printer))


def _new(args: argparse.Namespace, printer: Printer) -> int:
    from makebook.config.language import is_language_tag

    folder: Path = args.folder
    if not is_language_tag(args.lang):
        raise UsageError(f"--lang '{args.lang}' is not a BCP 47 language tag (like en, en-GB, fr-CA)",
                         code=codes.BAD_LANGUAGE.id)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f'{folder}: already exists and is not an empty folder; make-book new '
                         'never writes over files: name a new folder', code=codes.NOT_EMPTY.id)
    title = args.title or folder.resolve().name.replace('-', ' ').replace('_', ' ').strip().title() \
        or 'My Book'
    files = book_files(title, args.author or _your_name(), args.lang)
    try:
        for relative, content in files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    except OSError as exc:
        raise OutputError(f'{folder}: cannot write the new book ({exc.strerror})',
                          code=codes.OUTPUT_UNWRITABLE.id) from None
    if not args.quiet:
        print(f'Created {folder}/ with a manuscript of two sample chapters: {title}.\n'
              f'  make-book build {folder}      the EPUB, PDF and web edition, in {folder}/build\n'
              f'  make-book serve {folder}      a preview in the browser that follows every save\n'
              f'  make-book check {folder}      what to fix before you publish\n'
              f'Write in {folder}/{MANUSCRIPT}/: each .md file is read in file-name order.')
    return 0


def _your_name() -> str:
    """The user's full name from the system, else their login name, else 'Anonymous'."""
    try:
        import pwd

        entry = pwd.getpwuid(os.getuid())
        return entry.pw_gecos.split(',')[0].strip() or entry.pw_name or 'Anonymous'
    except (ImportError, KeyError, OSError):
        return 'Anonymous'


def book_files(title: str, author: str, lang: str) -> dict[str, bytes]:
    """Every file of a new book, by its path relative to the project folder."""
    year = dt.date.today().year
    return {
        '.gitignore': b'# What make-book writes (outputs and its cache): make-book clean removes it.\n'
                      b'/build/\n',
        f'{MANUSCRIPT}/metadata.yaml': _metadata(title, author, lang, year).encode(),
        f'{MANUSCRIPT}/01-the-first-chapter.md': FIRST_CHAPTER.encode(),
        f'{MANUSCRIPT}/02-the-second-chapter.md': SECOND_CHAPTER.encode(),
        f'{MANUSCRIPT}/images/harbour.png': _picture(),
    }


def _metadata(title: str, author: str, lang: str, year: int) -> str:

    def quoted(text: str) -> str:  # a JSON string is a YAML double-quoted scalar
        return json.dumps(text, ensure_ascii=False)
    return f"""\
# The book's metadata (README, "Metadata"). A line starting with '#' is an
# example: remove the '#' to use it.
title: {quoted(title)}
# subtitle: A Novel
# author: a name, a list of names, or {{name: ..., role: translator, file-as: ...}}
author: {quoted(author)}
# lang: en, en-GB, fr, de...: for hyphenation, and for reading aloud
lang: {lang}
# date: {year}-01-01
rights: {quoted(f'© {year} {author}. All rights reserved.')}
# description: One paragraph for catalogues and stores.
# subject: [Fiction]
# publisher: Harbour Light Press
# isbn: 978-0-306-40615-7
# series: {{name: The Coast, index: 1}}
# cover-image: images/cover.jpg   (a JPEG or PNG; without one, a cover is drawn)
# dedication: For M.
# epigraph: "The page is a window."
# epigraph-source: Someone
# css: styles/book.css            (your own stylesheet, for every edition)

# How make-book builds this book; the command line wins over each of these.
make-book:
  # the output folder, next to this manuscript folder
  output: build
  # formats: [epub, pdf, html]
  # trim-size: 5.5x8.5            (5x8, 6x9, a5, b-format, letter...)
  # notes: footnotes              (or chapter-endnotes, book-endnotes)
  # strict: true                  (warnings fail the build)
  # ignore: [MB424]               (warnings this book does not want to hear about)
"""


FIRST_CHAPTER = """\
# The First Chapter

Every `.md` file in this folder is part of the book, read in file-name order,
and every level-one heading (a line starting with `# `) begins a chapter.
Write *emphasis* with stars, **strong emphasis** with two, and quotation
marks and apostrophes as you type them: "they're curled for you."

A footnote is a mark in the text[^marks] and its note anywhere in the same
file. In the print edition it sits at the foot of the page; in the EPUB it
opens as a pop-up.

[^marks]: Like this one. Notes are numbered for you, chapter by chapter.

## A section {#a-section}

A level-two heading is a section: it is listed under its chapter in every
table of contents. The `{#a-section}` after it is an id that
[links from other chapters](02-the-second-chapter.md) can point to.

***

Three stars on a line of their own make a scene break. An image is a line
of its own, with a description for readers who cannot see it:

![The harbour wall at dusk, a lamp lit at its end](images/harbour.png)
"""

SECOND_CHAPTER = """\
# The Second Chapter

A link to another chapter names its file, and a heading in it after a `#`:
[back to the section](01-the-first-chapter.md#a-section).

> A block quote starts each line with `>`.

- Lists start with a dash,
- one item a line.

Run `make-book check` to hear about anything to fix: broken links, images
without a description, straight quotes left in raw HTML, a very long
paragraph... Delete these chapters when you start your own.
"""


def _picture() -> bytes:
    """A small picture for the sample chapter (sky, sea, a harbour wall and its lamp)."""
    from PIL import Image, ImageDraw

    image = Image.new('RGB', (600, 300), (196, 214, 226))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 190, 600, 300), fill=(54, 84, 110))
    draw.polygon([(330, 300), (600, 170), (600, 300)], fill=(118, 110, 100))
    draw.rectangle((520, 95, 548, 190), fill=(236, 232, 222))
    draw.ellipse((522, 78, 546, 102), fill=(246, 200, 90))
    stream = io.BytesIO()
    image.save(stream, 'PNG', optimize=True)
    return stream.getvalue()


COMMAND = Command(
    name='new', run=run, add_arguments=add_arguments,
    help='start a new book in a folder, ready to build',
    description='Start a book: DIR/manuscript/ with its metadata and two sample chapters (a '
                'footnote, an image, a scene break, links between chapters) and a .gitignore '
                'for the outputs, which go to DIR/build. Refuses a folder that is not empty.')
