"""Chapters: converted files cut at their level-1 headings, placed in parts and numbered.

A level-1 heading starts a chapter wherever it stands; a file with no heading
of its own is a chapter titled by its front matter, or continues the chapter
before it. ``# Title {.part}`` opens a part (a title page, not a chapter); a
heading with a front- or back-matter class (``{.dedication}``,
``{.appendix}``...) makes an unnumbered division of that kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from makebook import codes
from makebook.config.language import is_language_tag
from makebook.errors import Diagnostic
from makebook.extensions.attributes import role_for
from makebook.model import (
    BACK_MATTER_TYPES,
    EPUB_TYPE,
    FRONT_MATTER_TYPES,
    XHTML_NS,
    XML_NS,
    Chapter,
    Part,
    Section,
    SourceFile,
    slugify,
)
from makebook.render import mathml
from makebook.render.ids import IdRegistry
from makebook.xhtml import element, plain_text


@dataclass
class Draft:
    """A chapter while the book is being assembled (mutable, private to render)."""

    source: SourceFile
    element: etree._Element
    title: str
    unnumbered: bool
    part: Part | None = None
    opens_part: bool = False  # a '# Title {.part}' heading, not a chapter


def cut(body: etree._Element, source: SourceFile, previous: Draft | None, ids: IdRegistry,
        problems: list[Diagnostic]) -> tuple[list[Draft], list[Draft]]:
    """The file's blocks cut into chapters at each level-1 heading.

    Returns (the new chapters, the previous file's chapter if this file's first
    blocks continue it); ``body``'s ids must already be book-unique.
    """
    drafts: list[Draft] = []
    continued: list[Draft] = []
    current: etree._Element | None = None
    for child in list(body):
        if child.tag == f'{{{XHTML_NS}}}h1':
            current = _new_section(child.get('id'))
            classes = (child.get('class') or '').split()
            drafts.append(Draft(source, current, plain_text(child),
                                'unnumbered' in classes or division_type(child) is not None))
            if 'part' in classes:
                drafts[-1].part = Part(child.get('id') or '', plain_text(child))
                drafts[-1].opens_part = True
        elif current is None:
            title = source.front_matter.get('title')
            if isinstance(title, str) and title.strip():
                current = _titled_section(title.strip(), source, ids)
                drafts.append(Draft(source, current, title.strip(),
                                    bool(source.front_matter.get('unnumbered'))))
            elif previous is not None:
                current = previous.element
                continued = [previous]
            elif _is_blank(child):
                continue
            else:
                title = Path(source.name).stem.replace('-', ' ').replace('_', ' ').strip()
                problems.append(codes.NO_HEADING('text before the first level-1 heading; it becomes a '
                                                 f"chapter titled '{title}' (add a '# Heading' or a "
                                                 "'title:' to the front matter)", source.path,
                                                 source.first_line))
                current = _titled_section(title, source, ids)
                drafts.append(Draft(source, current, title, True))
        current.append(child)
    front_title = source.front_matter.get('title')
    if current is None and isinstance(front_title, str):
        title = front_title.strip()
        current = _titled_section(title, source, ids)
        drafts.append(Draft(source, current, title, bool(source.front_matter.get('unnumbered'))))
    if not drafts and current is None and not source.markdown.strip():
        problems.append(codes.EMPTY_FILE('the file is empty', source.path))
    return drafts, continued


def first_chapter_ids(files: tuple[SourceFile, ...], drafts: list[Draft]) -> dict[str, str | None]:
    """Where a link to each file lands: its first chapter, or the chapter it continues."""
    first_of: dict[int, Draft] = {}  # by id() of the SourceFile
    for draft in drafts:
        first_of.setdefault(id(draft.source), draft)
    targets: dict[str, str | None] = {}
    last: str | None = None
    for source in files:
        own = first_of.get(id(source))
        if own is not None:
            last = own.element.get('data-heading')
        targets[source.name] = last
    return targets


def assign_parts(drafts: list[Draft], ids: IdRegistry, problems: list[Diagnostic]) -> list[Draft]:
    """Give each chapter its part: the one its file has in the layout (_quarto.yml,
    SUMMARY.md, chapters:), else the last '# Title {.part}' heading before it.
    Part headings stop being drafts (a part is a title page, not a chapter): the
    chapters are returned without them."""
    heading_part: Part | None = None
    layout_part: Part | None = None
    chapters = []
    for draft in drafts:
        if draft.opens_part:
            heading_part = draft.part
            if len(draft.element) > 1:
                problems.append(codes.PART_TEXT_DROPPED(
                    f"the text after the part heading '{draft.title}' is left out: a part is only "
                    'a title page; put the text in a chapter', draft.source.path,
                    draft.source.line_of(draft.title)))
            continue
        chapters.append(draft)
        title = draft.source.part
        if title is None:
            draft.part = heading_part
            continue
        if layout_part is None or layout_part.title != title:
            layout_part = Part(ids.claim(f'part-{slugify(title) or "part"}', draft.source.name), title)
        draft.part = layout_part
    return chapters


def number(drafts: list[Draft]) -> tuple[Chapter, ...]:
    """The chapters, numbered (unnumbered divisions skipped), each serialised once."""
    chapters = []
    count = 0
    seen_files: set[str] = set()
    for index, draft in enumerate(drafts, start=1):
        section = draft.element
        heading_id = section.attrib.pop('data-heading')
        assert isinstance(heading_id, str)  # lxml's attribute values are str; its stubs add bytes
        heading = section.find(f'{{{XHTML_NS}}}h1')
        division = division_type(heading) if heading is not None else None
        front_type = draft.source.front_matter.get('epub:type')
        if division is None and front_type in FRONT_MATTER_TYPES + BACK_MATTER_TYPES:
            division = front_type  # a file's own 'epub:type: dedication'
        kind = 'frontmatter' if division in FRONT_MATTER_TYPES else \
            'backmatter' if division in BACK_MATTER_TYPES else 'bodymatter'
        depth = draft.source.depth
        # A sub-chapter has no chapter number of its own (the chapter it belongs to has).
        draft.unnumbered = draft.unnumbered or division is not None or depth > 0 \
            or draft.source.unnumbered or bool(draft.source.front_matter.get('unnumbered'))
        section.set('class', f'chapter {division}' if division else
                    'chapter' if not draft.unnumbered else 'chapter unnumbered')
        _chapter_metadata(draft, draft.source.name not in seen_files)
        seen_files.add(draft.source.name)
        if division is not None:
            if heading is not None and heading.get(EPUB_TYPE) == division:
                del heading.attrib[EPUB_TYPE]  # the section carries it; twice would be two landmarks
            section.set(EPUB_TYPE, division)
            section.set('role', role_for(division) or f'doc-{division}')  # matching epub:type
        if not draft.unnumbered:
            count += 1
            section.set('data-number', str(count))
        if depth > 0:
            section.set('class', section.get('class', '') + ' subchapter')
            section.set('data-depth', str(depth))
        sections = tuple(Section(h.get('id', ''), plain_text(h))
                         for h in section.iter(f'{{{XHTML_NS}}}h2') if h.get('id'))
        chapters.append(Chapter(
            id=heading_id,
            file_name=f'chapter-{index:03d}.xhtml',
            title=draft.title,
            number=None if draft.unnumbered else count,
            source=draft.source.name,
            body=etree.tostring(section, encoding='unicode'),
            sections=sections,
            ids=frozenset(all_ids(section)),
            part=draft.part,
            has_math=mathml.has_math(section),
            kind=kind,
            epub_type=division or 'chapter',
            depth=depth,
        ))
    return tuple(chapters)


def division_type(heading: etree._Element) -> str | None:
    """'dedication', 'epigraph', 'appendix'... when the heading says so, else None."""
    names = (heading.get('class') or '').split() + (heading.get(EPUB_TYPE) or '').split()
    return next((n for n in names if n in FRONT_MATTER_TYPES + BACK_MATTER_TYPES), None)


def all_ids(node: etree._Element) -> Iterator[str]:
    for descendant in node.iter():
        if isinstance(descendant.tag, str) and descendant.get('id'):
            yield descendant.get('id', '')


def _chapter_metadata(draft: Draft, first_of_file: bool) -> None:
    """A file's own front matter: subtitle, epub:type and lang apply to its chapter."""
    front = draft.source.front_matter
    section = draft.element
    epub_type = front.get('epub:type')
    section.set(EPUB_TYPE, epub_type if isinstance(epub_type, str) and epub_type.strip()
                else 'chapter')
    role = role_for(section.get(EPUB_TYPE, ''))
    if role and section.get('role') is None:
        section.set('role', role)
    lang = front.get('lang')
    if isinstance(lang, str) and is_language_tag(lang):
        section.set('lang', lang)
        section.set(f'{{{XML_NS}}}lang', lang)
    subtitle = front.get('subtitle')
    heading = section.find(f'{{{XHTML_NS}}}h1')
    if first_of_file and isinstance(subtitle, str) and subtitle.strip() and heading is not None:
        line = element('p')
        line.set('class', 'chapter-subtitle')
        line.text = subtitle.strip()
        heading.addnext(line)


def _new_section(heading_id: str | None) -> etree._Element:
    section = element('section')
    section.set('data-heading', heading_id or '')
    return section


def _titled_section(title: str, source: SourceFile, ids: IdRegistry) -> etree._Element:
    heading = element('h1')
    heading.text = title
    heading.set('id', ids.claim(slugify(title) or 'chapter', source.name))
    section = _new_section(heading.get('id'))
    section.append(heading)
    return section


def _is_blank(node: etree._Element) -> bool:
    return not (node.text or '').strip() and len(node) == 0


