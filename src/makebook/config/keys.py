"""Which metadata keys make-book reads, and what it says about the others.

A misspelt key (``subtitel``, ``trimsize``, ``auther``) would otherwise be ignored
without a word and the book come out without its subtitle. So a key of the
book's metadata that make-book does not read is a warning, with the key it
most resembles. Keys that other tools give meaning to (pandoc's LaTeX
template, Quarto, Jekyll, Hugo, mdBook) are left alone: a manuscript shared
with those tools carries them on purpose. In a chapter's own front matter,
where Jekyll and Hugo put many keys of their own, only a near miss of a
chapter key (``titel``) is reported.

A module that reads a new key adds it to :data:`BOOK_KEYS` (or
:data:`CHAPTER_KEYS`), or the key is reported as unknown.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

# Every key of the book's metadata make-book reads (config/, source/layouts.py).
BOOK_KEYS = frozenset({
    'title', 'subtitle', 'author', 'lang', 'date', 'publisher', 'rights', 'description', 'subject',
    'identifier', 'isbn', 'cover-image', 'trim-size', 'series', 'series-index', 'dir',
    'footnote-numbering', 'css', 'epub-css', 'print-css', 'web-css', 'allow-remote', 'chapters',
    # print settings (config/print_settings.py)
    'notes', 'chapter-label', 'dedication', 'epigraph', 'epigraph-source', 'half-title',
    'first-line-small-caps', 'keywords', 'pdf-variant', 'print-ready',
    # chapters and faces (issue 14)
    'chapter-title-template', 'fonts', 'labels',
    # how to build the book (config/settings.py, issue 11)
    'make-book',
    # the title and copyright pages (issue 15)
    'original-language', 'short-title',
    # pandoc's names for the same things, read as those (config/metadata.py)
    'creator', 'contributor', 'abstract', 'language',
})
# Keys of a chapter file's own front matter (render/chapters.py).
CHAPTER_KEYS = frozenset({'title', 'subtitle', 'lang', 'unnumbered', 'epub:type'})

# Keys other tools read (pandoc's templates and writers, Quarto, Jekyll, Hugo, mdBook,
# Leanpub): kept quiet, since a manuscript shared with those tools carries them on purpose.
FOREIGN_KEYS = frozenset({
    # pandoc: variables of its LaTeX, HTML and EPUB templates, and options
    'abstract-title', 'biblio-title', 'bibliography', 'biblio-style', 'block-headings', 'citation-style',
    'classoption', 'colorlinks', 'csl', 'cover-art', 'date-meta', 'documentclass', 'filters',
    'fontfamily', 'fontfamilyoptions', 'fontsize', 'geometry', 'header-includes', 'include-after',
    'include-before', 'indent', 'institute', 'linestretch', 'link-citations',
    'linkcolor', 'linkReferences', 'links-as-notes', 'lof', 'lot', 'mainfont', 'mainfontoptions',
    'mainlang', 'margin-bottom', 'margin-left', 'margin-right', 'margin-top', 'mathfont', 'monofont',
    'monofontoptions', 'nocite', 'numbersections', 'otherlang', 'page-progression-direction',
    'pagestyle', 'papersize', 'reference-section-title', 'sansfont', 'secnumdepth', 'subparagraph',
    'suppress-bibliography', 'thanks', 'title-meta', 'title-prefix', 'toc', 'toc-depth', 'toc-title',
    'urlcolor', 'ibooks', 'belongs-to-collection', 'group-position', 'page-title', 'pagetitle',
    'author-meta', 'figPrefix', 'tblPrefix', 'eqnPrefix', 'secPrefix', 'lstPrefix', 'chapters-depth',
    'chaptersDepth', 'codeBlockCaptions', 'autoSectionLabels', 'Filter preferences',
    # Quarto
    'format', 'execute', 'jupyter', 'knitr', 'engine', 'editor', 'project', 'book', 'website',
    'crossref', 'number-sections', 'number-depth', 'citation', 'google-scholar', 'copyright',
    'funding', 'affiliations', 'order', 'image', 'categories', 'draft', 'reference-location',
    'citation-location', 'cap-location', 'fig-cap-location',
    'tbl-cap-location', 'code-fold', 'code-tools', 'freeze', 'search', 'sidebar', 'navbar',
    # Jekyll, Hugo, web pages
    'layout', 'permalink', 'slug', 'tags', 'weight', 'aliases', 'url', 'summary', 'excerpt',
    'published', 'lastmod', 'type', 'menu', 'nav_order', 'parent', 'has_children', 'seo-title',
    'canonical-url', 'canonical_url', 'og-image', 'twitter', 'comments', 'prev-chapter', 'next-chapter',
    'prev-url', 'next-url', 'subhead',
})


def _squash(key: str) -> str:
    return re.sub(r'[-_\s]', '', key.lower())


def closest(key: str, known: Iterable[str]) -> str | None:
    """The known key ``key`` was probably meant to be ('subtitel' -> 'subtitle',
    'trimsize' -> 'trim-size'), or None."""
    by_squashed = {_squash(name): name for name in known}
    if _squash(key) in by_squashed:
        return by_squashed[_squash(key)]
    found = difflib.get_close_matches(_squash(key), list(by_squashed), n=1, cutoff=0.75)
    return by_squashed[found[0]] if found else None


def unknown_book_keys(data: Mapping[str, object]) -> list[tuple[str, str]]:
    """(key, message) for each key of the book's metadata make-book does not read."""
    found = []
    for key in data:
        if key in BOOK_KEYS or key in CHAPTER_KEYS or key in FOREIGN_KEYS:
            continue
        near = closest(key, BOOK_KEYS | CHAPTER_KEYS)
        found.append((key, f"unknown key; did you mean '{near}'?" if near
                      else 'unknown key, ignored (make-book does not read it)'))
    return found


def near_miss_chapter_keys(data: Mapping[str, object]) -> list[tuple[str, str]]:
    """(key, message) for each key of a chapter's front matter that looks like a misspelt
    chapter key; anything else belongs to another tool and is left alone."""
    found = []
    for key in data:
        if key in CHAPTER_KEYS or key in BOOK_KEYS or key in FOREIGN_KEYS:
            continue
        near = closest(key, CHAPTER_KEYS)
        if near:
            found.append((key, f"unknown key; did you mean '{near}'?"))
    return found
