"""Stage 3: Markdown to XHTML chapters, with book-wide ids, links and assets.

Each file is converted on its own (:mod:`~makebook.render.convert`: pure, so
its result can be kept while the file is unchanged), then, across the whole
book (:func:`render_book`):

* every ``id`` is made unique (the PDF and the web edition are one document),
  remembering what each file called it so links written in the source resolve
  (:mod:`~makebook.render.ids`);
* the files are cut into chapters at every level-1 heading, placed in parts
  and numbered (:mod:`~makebook.render.chapters`);
* links to other files and anchors become ``#id`` links; images are resolved
  inside the manuscript folder and recorded as assets (:mod:`~makebook.render.links`);
* footnotes move into the chapter that cites them, in EPUB 3 pop-up form
  (:mod:`~makebook.render.notes`); figures and cross-references are numbered
  (:mod:`~makebook.render.xrefs`);
* a metadata dedication or epigraph becomes a division (:mod:`~makebook.render.front_pages`),
  and every top-level block gets an id (:mod:`~makebook.render.blocks`).

Problems are collected as diagnostics with the file and line, never raised one
at a time, so a single run reports all of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from makebook import codes
from makebook.cache import Cache
from makebook.errors import Diagnostic
from makebook.model import Asset, Manuscript, NoProgress, Progress, RenderedBook, SourceFile
from makebook.render import chapters, links, media, notes, xrefs
from makebook.render.blocks import with_block_ids
from makebook.render.convert import Converted, convert_all, convert_file
from makebook.render.front_pages import with_metadata_front_pages
from makebook.render.ids import IdRegistry
from makebook.render.typography import Typography, file_language, retitle

__all__ = ['convert_file', 'render_book']


def render_book(manuscript: Manuscript, download: links.Download | None = None,
                cache: Cache | None = None, workers: int = 1,
                progress: Progress | None = None) -> RenderedBook:
    """Convert every file and assemble the chapters; problems go in ``diagnostics``.

    ``download`` (safety/remote.py), when given, turns an http(s) image into a local file;
    ``cache``, when given, keeps each file's conversion while the file is unchanged;
    ``workers`` processes convert the files when the book is large; ``progress`` hears of
    each file converted.
    """
    meta = manuscript.metadata
    converted = convert_all(manuscript.files, cache or Cache.off(), workers, progress or NoProgress(),
                            Typography(meta.language, meta.quotes))
    return assemble(manuscript, converted, download)


def assemble(manuscript: Manuscript, converted: list[Converted],
             download: links.Download | None = None) -> RenderedBook:
    """The book from its files' conversions (in manuscript order, their text set in the
    book's language by :func:`~makebook.render.convert.convert_all`): the book-wide half of
    rendering.

    The conversions' trees are consumed: their elements move into the chapters.
    """
    problems: list[Diagnostic] = []
    drafts: list[chapters.Draft] = []
    ids = IdRegistry()
    meta = manuscript.metadata
    typography = Typography(meta.language, meta.quotes)
    repeated: list[SourceFile] = []  # files opening with the book's title above their own
    for file in converted:
        problems.extend(file.problems)
        ids.claim_all(file.body, file.source.name, file.notes)
        ids.alias_headings(file.body, file.source.name, file.headings)  # as the author typed them
        language = file_language(file.source)
        if chapters.drop_repeated_book_title(file.body, meta.title):
            repeated.append(file.source)
        new, continued = chapters.cut(file.body, file.source, drafts[-1] if drafts else None, ids,
                                      problems)
        for draft in new:  # a title from the front matter ('title: Qui a peur ?') is text too
            retitle(draft, typography, language)
        if file.notes is not None:
            notes.distribute_footnotes(file.notes, [d.element for d in continued + new])
        drafts.extend(new)
    if repeated:
        names = ', '.join(source.name for source in repeated[:3]) + (', …' if len(repeated) > 3 else '')
        problems.append(codes.REPEATED_BOOK_TITLE(
            f"the book's title '{meta.title}' opens {len(repeated)} file{'s' if len(repeated) > 1 else ''} "
            f"({names}) as a level-1 heading above the chapter's own title; left out each time "
            '(a running head, not a chapter)', repeated[0].path, repeated[0].first_line))
    if not drafts:
        problems.append(codes.NO_TEXT('the manuscript has no text', manuscript.root))
    first_ids = chapters.first_chapter_ids(manuscript.files, drafts)
    assets: dict[str, Asset] = {}
    link_lines = links.lines_of(None)  # a locator per file: a file's chapters share one
    image_lines = links.lines_of(None)
    sources = {source.name: source for source in manuscript.files}
    for draft in drafts:
        links.resolve_links(draft.element, draft.source, ids, first_ids, problems, link_lines, sources)
        links.resolve_images(draft.element, draft.source, manuscript.root, assets, problems, download,
                             image_lines, sources)
        for block in draft.element.iterfind('*[@data-source]'):
            del block.attrib['data-source']
    xrefs.fill_cross_references([d.element for d in drafts], manuscript.metadata.labels)
    for draft in drafts:
        media.label_media_notes(draft.element, manuscript.metadata.labels)
    drafts = chapters.assign_parts(drafts, ids, problems)
    notes.number_footnotes([d.element for d in drafts], manuscript.metadata.footnote_numbering)
    numbered = chapters.number(drafts, chapters.title_template(manuscript.metadata), problems)
    book = RenderedBook(
        metadata=manuscript.metadata,
        root=manuscript.root,
        chapters=numbered,
        assets=tuple(sorted(assets.values(), key=lambda a: a.href)),
        diagnostics=tuple(_to_origin(problems, manuscript.files)),
        sources=manuscript.files,
    )
    # A dedication or epigraph given as metadata becomes the division a heading makes.
    book = with_metadata_front_pages(book)
    return dataclasses.replace(book, chapters=tuple(with_block_ids(c) for c in book.chapters))


def _to_origin(problems: list[Diagnostic], files: tuple[SourceFile, ...]) -> Iterator[Diagnostic]:
    """Problems found in text an mdBook include pulled in, moved to the included file and
    its own line (every stage finds lines as ``first_line + n`` in the expanded text)."""
    maps = {source.path: source for source in files if source.origins}
    for problem in problems:
        source = maps.get(problem.path) if problem.path is not None and problem.line is not None \
            else None
        if source is None or problem.line is None:
            yield problem
            continue
        index = problem.line - source.first_line
        if 0 <= index < len(source.origins):
            path, line = source.origins[index]
            problem = dataclasses.replace(problem, path=path, line=line)
        yield problem
