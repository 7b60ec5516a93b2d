"""Accessibility metadata worked out from the book itself, never asserted blindly.

Each claim in the package document is one the content supports: alternative
text only when every image has some, page navigation only when a page-list
was written, conformance to EPUB Accessibility 1.1 (WCAG 2.2 AA) only when
nothing found here would fail it. DAISY Ace checks the same metadata
(``metadata-access*``, ``epub-pagesource``); the schema.org vocabulary is at
https://www.w3.org/2021/a11y-discov-vocab/latest/.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from makebook.config.labels import accessibility_sentences
from makebook.model import MATHML_NS, XHTML_NS, RenderedBook

CONFORMANCE = 'EPUB Accessibility 1.1 - WCAG 2.2 Level AA'


@dataclass(frozen=True, slots=True)
class Facts:
    """What the accessibility claims rest on, counted in the rendered book."""

    images: int  # content images, the cover included
    images_without_alt: int
    tables: int
    tables_with_headers: int
    footnotes: int
    math: bool
    page_list: bool
    animated: bool  # GIFs may flash; we cannot tell, so we do not claim they do not


def facts(book: RenderedBook, *, cover_alt: bool = True, page_list: bool = False) -> Facts:
    images = without_alt = tables = headed = notes = 0
    math = False
    for chapter in book.chapters:
        tree = etree.fromstring(chapter.body)
        for image in tree.iter(f'{{{XHTML_NS}}}img'):
            images += 1
            if not (image.get('alt') or '').strip():
                without_alt += 1
        for table in tree.iter(f'{{{XHTML_NS}}}table'):
            tables += 1
            headed += next(table.iter(f'{{{XHTML_NS}}}th'), None) is not None
        notes += sum(1 for _ in tree.iter(f'{{{XHTML_NS}}}aside'))
        math = math or next(tree.iter(f'{{{MATHML_NS}}}math'), None) is not None
    return Facts(images=images + 1, images_without_alt=without_alt + (0 if cover_alt else 1),
                 tables=tables, tables_with_headers=headed, footnotes=notes, math=math, page_list=page_list,
                 animated=any(a.media_type == 'image/gif' for a in book.assets))


def package_metadata(found: Facts, language: str = 'en') -> list[tuple[str, str]]:
    """(property, value) pairs for the OPF <meta> elements, in a stable order; the summary in
    ``language`` where the W3C display guide has its sentences (else English: :func:`in_english`)."""
    alt_complete = found.images_without_alt == 0
    meta = [('schema:accessMode', 'textual')]
    if found.images:
        meta.append(('schema:accessMode', 'visual'))
    if alt_complete:
        meta.append(('schema:accessModeSufficient', 'textual'))
    meta.append(('schema:accessModeSufficient', 'textual,visual' if found.images else 'textual'))
    features = ['tableOfContents', 'readingOrder', 'structuralNavigation', 'displayTransformability',
                'ARIA']
    if found.images and alt_complete:
        features.append('alternativeText')
    if found.math:
        features.append('MathML')
    if found.page_list:
        features += ['printPageNumbers', 'pageNavigation']
    meta += [('schema:accessibilityFeature', f) for f in features]
    if found.animated:
        meta += [('schema:accessibilityHazard', 'unknownFlashingHazard'),
                 ('schema:accessibilityHazard', 'noMotionSimulationHazard'),
                 ('schema:accessibilityHazard', 'noSoundHazard')]
    else:
        meta.append(('schema:accessibilityHazard', 'none'))
    meta.append(('schema:accessibilitySummary', summary(found, language)))
    if conforms(found):
        meta.append(('dcterms:conformsTo', CONFORMANCE))
    return meta


def conforms(found: Facts) -> bool:
    """WCAG 2.2 AA as far as a generator can know: every image described, no flashing unknowns.

    Language, titles, reading order, headings, ARIA roles and a navigable
    table of contents are made for every book; the two things that depend on
    the author are alternative text and media that may flash.
    """
    return found.images_without_alt == 0 and not found.animated


def in_english(language: str) -> bool:
    """True when the summary for a book in ``language`` is make-book's English one."""
    return accessibility_sentences(language) is None


def summary(found: Facts, language: str = 'en') -> str:
    """A plain-language description a reading system can show before purchase, in the book's
    language where the W3C display guide is translated into it."""
    sentences = accessibility_sentences(language)
    if sentences is not None:
        return _translated_summary(found, sentences)
    parts = ['This publication has a table of contents, headings that structure every chapter, '
             'a logical reading order and text that can be resized and restyled.']
    if found.images_without_alt:
        noun = 'image lacks' if found.images_without_alt == 1 else 'images lack'
        parts.append(f'{found.images_without_alt} {noun} a text description.')
    elif found.images > 1:
        parts.append('Every image has a text description.')
    if found.tables and found.tables == found.tables_with_headers:
        parts.append('Every table has header cells.')
    if found.page_list:
        parts.append('Page numbers of the print edition are marked and can be navigated to.')
    if found.footnotes:
        parts.append('Footnotes are linked both ways and marked up so reading systems can show them '
                     'as pop-ups.')
    if conforms(found):
        parts.append(f'It meets {CONFORMANCE}.')
    else:
        parts.append('It does not fully meet WCAG 2.2 Level AA.')
    return ' '.join(p for p in parts if p)


def _translated_summary(found: Facts, sentences: Mapping[str, str]) -> str:
    """The summary from the display guide's statements for the facts found, one sentence each."""
    keys = ['toc', 'structure', 'adjustable']
    if found.images_without_alt:
        keys.append('not-fully')
    elif found.images > 1:
        keys.append('alt-text')
    if found.page_list:
        keys.append('page-list')
    if found.math:
        keys.append('math')
    if conforms(found):
        keys.append('conforms')
    return ' '.join(sentences[key] + '.' for key in keys)
