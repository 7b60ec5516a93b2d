"""Where a book stands: words, characters, notes, images, reading time and printed pages, per chapter.

Counts come from the rendered chapters, as a reader sees them: headings, text,
captions and code are words; footnotes are counted apart, not as words. Printed pages come from the
last PDF built, when there is one, by its bookmarks: each chapter runs from
its bookmark's page to the next chapter's.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from makebook.model import XHTML_NS, RenderedBook
from makebook.xhtml import chapter_element

WORDS_PER_MINUTE = 240  # an adult's silent reading of prose (Brysbaert 2019: 238 for non-fiction)
_WORD = re.compile(r"\w[\w'’-]*")


@dataclass(frozen=True, slots=True)
class Counts:
    title: str
    source: str  # the manuscript file the chapter starts in
    words: int
    characters: int  # letters, spaces and punctuation of the text, runs of white space as one
    footnotes: int
    images: int
    pages: int | None = None  # in the last PDF built

    @property
    def minutes(self) -> float:
        return self.words / WORDS_PER_MINUTE


@dataclass(frozen=True, slots=True)
class BookStats:
    chapters: tuple[Counts, ...]
    total: Counts
    pdf: Path | None = None  # where the page counts came from
    pdf_pages: int | None = None


def book_stats(book: RenderedBook, pdf: Path | None = None) -> BookStats:
    """The counts of every chapter and of the book; pages when ``pdf`` (a PDF of it) is given."""
    counted = [_count(chapter.title, chapter.source, chapter_element(chapter)) for chapter in book.chapters]
    pdf_pages = None
    if pdf is not None:
        pages, pdf_pages = _pages(pdf, [c.title for c in book.chapters])
        if pages is not None:
            counted = [_with_pages(c, n) for c, n in zip(counted, pages, strict=True)]
        else:
            pdf = None
    total = Counts('Total', '', sum(c.words for c in counted), sum(c.characters for c in counted),
                   sum(c.footnotes for c in counted), sum(c.images for c in counted), pdf_pages)
    return BookStats(tuple(counted), total, pdf, pdf_pages)


def _with_pages(counts: Counts, pages: int | None) -> Counts:
    return Counts(counts.title, counts.source, counts.words, counts.characters, counts.footnotes,
                  counts.images, pages)


def _count(title: str, source: str, section: etree._Element) -> Counts:
    notes = [aside for aside in section.iter(f'{{{XHTML_NS}}}aside')
             if aside.get('class') == 'footnote']
    for container in section.iter(f'{{{XHTML_NS}}}section'):
        if container.get('class') == 'footnotes':
            container.getparent().remove(container)  # type: ignore[union-attr]  # inside the chapter
            break
    for noteref in section.iter(f'{{{XHTML_NS}}}a'):
        if noteref.get('class') == 'noteref':
            noteref.text = ''  # a note's number is not a word
    text = ' '.join(''.join(str(part) for part in section.itertext()).split())
    images = sum(1 for _ in section.iter(f'{{{XHTML_NS}}}img'))
    return Counts(title, source, len(_WORD.findall(text)), len(text), len(notes), images)


def _pages(pdf: Path, titles: list[str]) -> tuple[list[int | None] | None, int | None]:
    """Each chapter's page count by the PDF's bookmarks (chapters in order), and the PDF's pages;
    (None, None) when the PDF cannot be read or does not match the book."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(pdf.read_bytes()))
        marks = _bookmarks(reader, reader.outline)
        total = len(reader.pages)
    except Exception:  # a PDF from elsewhere or a damaged one: no page counts
        return None, None
    starts: list[int | None] = []
    position = 0
    for title in titles:  # each chapter's bookmark, in order (parts and the contents are skipped)
        found = next((i for i in range(position, len(marks)) if marks[i][0] == ' '.join(title.split())),
                     None)
        starts.append(marks[found][1] if found is not None else None)
        position = found + 1 if found is not None else position
    if not any(start is not None for start in starts):
        return None, total
    # A chapter runs to the next chapter, part or other top-level bookmark (not its own sections).
    ends = [*(page for page in starts if page is not None),
            *(page for _, page, depth in marks if depth == 0), total]
    counts: list[int | None] = []
    for start in starts:
        if start is None:
            counts.append(None)
            continue
        following = [page for page in ends if page > start]
        counts.append((min(following) if following else total) - start)
    return counts, total


def _bookmarks(reader: object, outline: object, depth: int = 0) -> list[tuple[str, int, int]]:
    """(title, page index, depth) of every bookmark, in page order."""
    found: list[tuple[str, int, int]] = []
    for item in outline if isinstance(outline, list) else []:
        if isinstance(item, list):
            found += _bookmarks(reader, item, depth + 1)
        else:
            found.append((' '.join(str(item.title).split()),
                          reader.get_destination_page_number(item), depth))  # type: ignore[attr-defined]
    return sorted(found, key=lambda mark: mark[1])
