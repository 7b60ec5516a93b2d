"""Chapters: converted files cut at their level-1 headings, placed in parts and numbered.

A level-1 heading starts a chapter wherever it stands, and every file is at
least one chapter:

* a file with no level-1 heading is a chapter titled by its front matter's
  ``title:``; else, when it opens with a lower heading (an mdBook sub-chapter
  starting ``## Installation``), its headings move up a level so that one
  titles it; else it is a chapter of its own, numbered and titled by
  ``chapter-title-template`` ("Chapter 3", "Chapitre 3"), never by its file name;
* text before the first level-1 heading of a file that has one continues the
  chapter before it, as pandoc, which joins its input files, reads it;
* in a layout whose list decides the chapters (mdBook's SUMMARY.md), a file is
  exactly one chapter: the headings after its title (the Rust book's sub-chapters
  each end with a "## Summary" at their title's level) move below it, and a file
  with no heading is titled as the list names it.

``# Title {.part}`` opens a part (a title page, not a chapter); a heading with a
front- or back-matter class (``{.dedication}``, ``{.appendix}``...), or a title
that is only such a word ("Foreword", "Épilogue"), makes an unnumbered division
of that kind. Titles that carry their own number ("CHAPTER 1. The Harbour.")
get no second label, and in a book whose chapters number themselves, the
chapters before the first numbered one (a list of sources) shift no count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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
    Metadata,
    Part,
    Section,
    SourceFile,
    slugify,
)
from makebook.render import mathml
from makebook.render.ids import IdRegistry
from makebook.xhtml import element, plain_text, text_content


@dataclass
class Draft:
    """A chapter while the book is being assembled (mutable, private to render)."""

    source: SourceFile
    element: etree._Element
    title: str
    unnumbered: bool
    part: Part | None = None
    opens_part: bool = False  # a '# Title {.part}' heading, not a chapter
    generated: bool = False  # a file with no title of its own: titled by the template when numbered
    unlisted: bool = False  # pandoc's '{.unlisted}': a page left out of every table of contents


def cut(body: etree._Element, source: SourceFile, previous: Draft | None, ids: IdRegistry,
        problems: list[Diagnostic]) -> tuple[list[Draft], list[Draft]]:
    """The file's blocks cut into chapters at each level-1 heading.

    Returns (the new chapters, the previous file's chapter if this file's first
    blocks continue it); ``body``'s ids must already be book-unique. Blocks that
    continue another file's chapter carry ``data-source`` (the file's name), so
    their problems are reported at their own file.
    """
    front_title = source.front_matter.get('title')
    titled = isinstance(front_title, str) and bool(front_title.strip())
    if not titled:
        _promote_headings(body)
    if source.one_chapter:
        _keep_in_one_chapter(body, titled)
        if not titled and source.listed_title and not any(child.tag == _H1 for child in body):
            front_title, titled = source.listed_title, True
    has_heading = any(child.tag == _H1 for child in body)
    drafts: list[Draft] = []
    continued: list[Draft] = []
    current: etree._Element | None = None
    waiting: list[etree._Element] = []  # anchors a file opens with ('<a id="old-heading"></a>')
    for child in list(body):
        if current is None and has_heading and child.tag != _H1 and (
                _has_no_text(child) or ((previous is None or source.one_chapter) and _only_links(child))):
            # Kept for the file's first chapter, not the chapter before: anchors, and the
            # badges or logo a README opens the book with, above its '# Title'.
            waiting.append(child)
            continue
        if child.tag == _H1:
            current = _new_section(child.get('id'))
            classes = (child.get('class') or '').split()
            drafts.append(Draft(source, current, plain_text(child),
                                'unnumbered' in classes or division_type(child) is not None))
            drafts[-1].unlisted = 'unlisted' in classes
            if 'part' in classes:
                drafts[-1].part = Part(child.get('id') or '', plain_text(child))
                drafts[-1].opens_part = True
            current.append(child)
            current.extend(waiting)  # right after the heading: a link to them opens the chapter
            waiting = []
            continue
        elif current is None:
            if titled:
                assert isinstance(front_title, str)
                current = _titled_section(front_title.strip(), source, ids)
                drafts.append(Draft(source, current, front_title.strip(),
                                    bool(source.front_matter.get('unnumbered'))))
            elif _is_blank(child):
                continue
            elif has_heading and previous is not None:
                current = previous.element  # pandoc joins the files: the chapter goes on
                continued = [previous]
            else:
                current = _titled_section('', source, ids)
                drafts.append(Draft(source, current, '', bool(source.front_matter.get('unnumbered')),
                                    generated=True))
        if continued and current is previous.element:  # type: ignore[union-attr]
            child.set('data-source', source.name)
        current.append(child)
    if current is None and titled:
        assert isinstance(front_title, str)
        current = _titled_section(front_title.strip(), source, ids)
        drafts.append(Draft(source, current, front_title.strip(),
                            bool(source.front_matter.get('unnumbered'))))
    if not drafts and current is None and not source.markdown.strip():
        problems.append(codes.EMPTY_FILE('the file is empty', source.path))
    return drafts, continued


_H1 = f'{{{XHTML_NS}}}h1'
_HEADING_LEVEL = {f'{{{XHTML_NS}}}h{level}': level for level in range(1, 7)}


def _promote_headings(body: etree._Element) -> None:
    """A file with no level-1 heading that opens with a lower one (mdBook sub-chapters start
    '## Installation', after anchors for their old headings): its top-level headings move up
    so that the first is its title."""
    blocks = [child for child in body if not _has_no_text(child)]
    if not blocks or any(child.tag == _H1 for child in body):
        return
    level = _HEADING_LEVEL.get(blocks[0].tag)
    if level is None:
        return
    for child in body:
        own = _HEADING_LEVEL.get(child.tag)
        if own is not None:
            child.tag = f'{{{XHTML_NS}}}h{max(1, own - level + 1)}'


def _keep_in_one_chapter(body: etree._Element, titled: bool) -> None:
    """A file that is one chapter: every level-1 heading but the one that opens it (none when a
    'title:' names the chapter) becomes a level-2 heading, inside the chapter."""
    blocks = [child for child in body if not _has_no_text(child) and not _only_links(child)]
    opening = blocks[0] if blocks and blocks[0].tag == _H1 and not titled else None
    for child in body:
        if child.tag == _H1 and child is not opening:
            child.tag = f'{{{XHTML_NS}}}h2'


def drop_repeated_book_title(body: etree._Element, book_title: str) -> bool:
    """Leave out a level-1 heading that repeats the book's title right above the file's own
    title (each chapter of You Don't Know JS opens '# You Don't Know JS Yet: Scope & Closures'
    then '# Chapter 1: ...'): a running head on GitHub, an empty chapter in a book. True when
    one was left out."""
    blocks = [child for child in body if not _has_no_text(child)]
    if len(blocks) < 2 or blocks[0].tag != _H1 or blocks[1].tag != _H1 or (blocks[0].tail or '').strip():
        return False
    if not _words(plain_text(blocks[0])) or _words(plain_text(blocks[0])) != _words(book_title):
        return False
    body.remove(blocks[0])
    return True


def _words(text: str) -> str:
    """The letters and digits of a title, case folded ('Don't' and 'Don’t' compare equal)."""
    return re.sub(r'[\W_]+', '', text.casefold())


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


# A title that carries its own number: "CHAPTER 1. Loomings.", "Chapter One", "Chapitre 3",
# "IV. The Storm", "12". A bare number counts only when punctuation or nothing follows it
# ("1984 Revisited" carries none), and bare roman numerals only in capitals.
_NUMBER_WORDS = ('one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|'
                 'fifteen|sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|fourth|fifth')
_CHAPTER_WORDS = ('chapter|chap\\.|chapitre|kapitel|cap[ií]tulo|capitolo|hoofdstuk|rozdział|глава|'
                  'book|livre|buch|libro|letter|lettre|part|partie|teil|parte|deel')
_CARRIES_NUMBER = re.compile(
    rf'^\s*(?:(?i:(?:{_CHAPTER_WORDS})\s+(?:\d{{1,4}}|[ivxlcdm]{{1,8}}|{_NUMBER_WORDS}))\b'
    rf'|(?:\d{{1,4}}|X{{0,3}}(?:IX|IV|V?I{{1,3}}|V|X)?)(?=\s*(?:[.:)\u2013\u2014-]|$)))')
# Titles that are only the name of a front- or back-matter division, in the languages
# books are written in most here: the division they make (unnumbered, EPUB semantics).
_DIVISION_TITLES = {
    'foreword': ('foreword', 'avant-propos', 'vorwort', 'voorwoord', 'prefazione'),
    'preface': ('preface', 'préface', 'prefacio', 'prefácio', 'prefazione', 'vorrede'),
    'prologue': ('prologue', 'prolog', 'prólogo', 'prologo', 'proloog'),
    'acknowledgments': ('acknowledgments', 'acknowledgements', 'remerciements', 'danksagung',
                        'agradecimientos', 'agradecimentos', 'ringraziamenti', 'dankwoord'),
    'epilogue': ('epilogue', 'épilogue', 'epilog', 'epílogo', 'epilogo', 'epiloog'),
    'afterword': ('afterword', 'postface', 'nachwort', 'nawoord', 'postfazione'),
    'colophon': ('colophon', 'colofon', 'impressum'),
}
_DIVISION_OF_TITLE = {word: kind for kind, words in _DIVISION_TITLES.items() for word in words}


def title_template(metadata: Metadata) -> str:
    """How a chapter with no title of its own is titled: the metadata's template, else the
    language's word for a chapter (config/labels.py: 'Chapitre {n}')."""
    return metadata.chapter_title_template or metadata.labels.words.get('chapter') or 'Chapter {n}'


def carries_number(title: str) -> bool:
    """True when the title says its own number ("CHAPTER 1. Loomings.", "IV. The Storm")."""
    return bool(title) and bool(_CARRIES_NUMBER.match(title))


def _title_division(title: str) -> str | None:
    """'foreword', 'epilogue'...: when the title is only the name of such a division."""
    return _DIVISION_OF_TITLE.get(re.sub(r'[\s.:!]+$', '', title.strip()).lower())


def number(drafts: list[Draft], template: str = 'Chapter {n}',
           problems: list[Diagnostic] | None = None) -> tuple[Chapter, ...]:
    """The chapters, numbered (unnumbered divisions skipped), each serialised once.

    A file with no title of its own is titled by ``template`` ('{n}': its number), and
    said so in ``problems``. A chapter whose title carries its number gets none of its
    own (no second label in print), and in a book whose chapters number themselves,
    only those are counted.
    """
    problems = [] if problems is None else problems
    chapters = []
    count = 0
    seen_files: set[str] = set()
    self_numbered = any(carries_number(d.title) for d in drafts if not d.generated and not d.unnumbered)
    for index, draft in enumerate(drafts, start=1):
        section = draft.element
        heading_id = section.attrib.pop('data-heading')
        assert isinstance(heading_id, str)  # lxml's attribute values are str; its stubs add bytes
        heading = section.find(f'{{{XHTML_NS}}}h1')
        division = division_type(heading) if heading is not None else None
        front_type = draft.source.front_matter.get('epub:type')
        if division is None and front_type in FRONT_MATTER_TYPES + BACK_MATTER_TYPES:
            division = front_type  # a file's own 'epub:type: dedication'
        if division is None and not draft.generated:
            division = _title_division(draft.title)  # '# Foreword', 'title: EPILOGUE'
        kind = 'frontmatter' if division in FRONT_MATTER_TYPES else \
            'backmatter' if division in BACK_MATTER_TYPES else 'bodymatter'
        depth = draft.source.depth
        # A sub-chapter has no chapter number of its own (the chapter it belongs to has).
        draft.unnumbered = draft.unnumbered or division is not None or depth > 0 \
            or draft.source.unnumbered or bool(draft.source.front_matter.get('unnumbered'))
        own_number = carries_number(draft.title) and not draft.generated
        if self_numbered and not own_number and not draft.generated:
            draft.unnumbered = True  # a book that numbers its chapters itself: only those count
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
            count = _own_number(draft.title) or count + 1 if own_number else count + 1
            section.set('data-number', str(count))
        if draft.generated or not draft.title.strip():
            _give_title(draft, None if draft.unnumbered else count, template, problems)
            # A title made from the template says its number ('{n}'): no label above it.
            own_number = own_number or (draft.generated and not draft.unnumbered)
        if draft.unlisted:  # out of the PDF's bookmarks too (print.css)
            section.set('class', section.get('class', '') + ' unlisted')
        if depth > 0:
            section.set('class', section.get('class', '') + ' subchapter')
            section.set('data-depth', str(depth))
        sections = tuple(Section(h.get('id', ''), plain_text(h))
                         for h in section.iter(f'{{{XHTML_NS}}}h2') if h.get('id') and plain_text(h))
        chapters.append(Chapter(
            id=heading_id,
            file_name=f'chapter-{index:03d}.xhtml',
            title=draft.title,
            # A title that says its number needs no label: the number is left to it.
            number=None if draft.unnumbered or own_number else count,
            source=draft.source.name,
            body=etree.tostring(section, encoding='unicode'),
            sections=sections,
            ids=frozenset(all_ids(section)),
            part=draft.part,
            has_math=mathml.has_math(section),
            kind=kind,
            epub_type=division or 'chapter',
            depth=depth,
            listed=not draft.unlisted,
        ))
    return tuple(chapters)


def _own_number(title: str) -> int | None:
    """The arabic number a title carries ('CHAPTER 12.' -> 12), to count on from it."""
    match = re.search(r'\d{1,4}', title[:24])
    return int(match.group()) if match else None


def _give_title(draft: Draft, number: int | None, template: str, problems: list[Diagnostic]) -> None:
    """Title a chapter that has none: a numbered one by the template, any other by its first
    words (never by its file name), and say what was done, where."""
    heading = draft.element.find(f'{{{XHTML_NS}}}h1')
    assert heading is not None  # every draft's section opens with its heading
    source = draft.source
    if draft.generated and number is not None:
        title = template.replace('{n}', str(number))
        heading.text = title
        problems.append(codes.NO_HEADING(
            f"the file has no level-1 heading and no 'title:'; it is chapter {number}, titled "
            f"'{title}' (add a '# Heading' or a 'title:' to name it; chapter-title-template sets the "
            'pattern)', source.path, source.first_line))
    else:
        body_text = ' '.join(text_content(draft.element).split())
        words = body_text.split()
        title = ' '.join(words[:6]) + ('…' if len(words) > 6 else '') if words else template.replace(
            '{n}', '').strip()
        if draft.generated:
            heading.text = title
            problems.append(codes.NO_HEADING(
                f"the file has no level-1 heading and no 'title:'; its chapter is titled by its first "
                f"words, '{title}' (add a '# Heading' or a 'title:' to name it)", source.path,
                source.first_line))
        else:  # '# &nbsp;': the page keeps its blank heading; readers and contents get words
            heading.set('aria-label', title)
            if draft.unlisted:  # a page meant to have no title ('# <!-- Page break --> {.unlisted}')
                draft.title = title
                return
            problems.append(codes.EMPTY_HEADING(
                f"a level-1 heading with no text; the contents and readers call the chapter '{title}' "
                '(write a title, or use a dedication or epigraph division for a page without one)',
                source.path, _empty_heading_line(source)))
    draft.title = title


def _empty_heading_line(source: SourceFile) -> int | None:
    """The line of the first level-1 heading with no text ('# &nbsp; {.unnumbered}')."""
    for number, line in enumerate(source.markdown.split('\n')):
        text = re.sub(r'\{[^}]*\}\s*$', '', line.strip())
        if text.startswith('#') and not text.startswith('##') and \
                not re.sub(r'&nbsp;|&#160;|\\ |[#\s\u00a0]', '', text):
            return source.first_line + number
    return None


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


def _has_no_text(node: etree._Element) -> bool:
    """A block that prints nothing: empty, or only anchors ('<a id="x"></a>')."""
    drawn = ('img', 'svg', 'math', 'hr', 'br')
    return not text_content(node).strip() and not any(
        isinstance(e.tag, str) and etree.QName(e).localname in drawn for e in node.iter())


def _only_links(node: etree._Element) -> bool:
    """A block of images and links only, no words of its own (a README's row of badges)."""
    links = [e for e in node.iter() if isinstance(e.tag, str) and etree.QName(e).localname in ('a', 'img')]
    if not links:
        return False
    words = (node.text or '') + ''.join(
        (e.tail or '') + ('' if etree.QName(e).localname == 'a' else e.text or '')
        for e in node.iterdescendants() if isinstance(e.tag, str) and not any(
            etree.QName(a).localname == 'a' for a in e.iterancestors() if isinstance(a.tag, str)))
    return not words.strip(' \n\t|·•')


def _is_blank(node: etree._Element) -> bool:
    return not (node.text or '').strip() and len(node) == 0


