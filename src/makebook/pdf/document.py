"""The print edition as one HTML document.

No WeasyPrint here (that is :mod:`makebook.pdf.engine`): this module only
builds the tree that ``styles/print.css`` lays out, so it can be tested quickly.

Order of the pages: half-title, (blank), title page, copyright page on its
verso, dedication, epigraph, contents, then the chapters, then the book's
notes when they are gathered at the end.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Collection, Sequence

from lxml import etree

from makebook.config.stylesheets import css_for
from makebook.model import XHTML_NS, Metadata, Part, RenderedBook, TocNode, by_part, leading, nest
from makebook.pdf import code, display, justify, printcss
from makebook.pdf import notes as print_notes
from makebook.pdf import splits as print_split
from makebook.pdf.geometry import running_title, text_width_inches
from makebook.pdf.mathsvg import math_to_svg
from makebook.render.words import BREAK_IN_TEXT
from makebook.theme.faces import faces_for, licence_names
from makebook.xhtml import (
    chapter_element,
    child,
    copyright_page,
    element,
    labelled,
    remove_keeping_tail,
    title_page,
)


def print_html(book: RenderedBook, loose: Collection[str] = (),
               splits: Sequence[print_split.NoteSplit] = (), pages: int = 0,
               firm: Collection[str] = ()) -> str:
    """The single HTML document WeasyPrint lays out (:func:`print_tree`, serialised)."""
    return serialise(print_tree(book, loose, splits, pages, firm))


def serialise(root: etree._Element) -> str:
    """An HTML tree as the HTML string WeasyPrint reads."""
    # lxml writes a namespaced <br> as '<br></br>', which HTML parsers read as two breaks.
    return etree.tostring(root, encoding='unicode', method='html').replace('</br>', '')


def print_tree(book: RenderedBook, loose: Collection[str] = (),
               splits: Sequence[print_split.NoteSplit] = (), pages: int = 0,
               firm: Collection[str] = (), processes: int = 1) -> etree._Element:
    """The tree of the single HTML document WeasyPrint lays out (``processes``: how many may
    choose its lines at once).

    ``loose`` names footnotes whose paragraphs get widows and orphans relaxed
    (class ``loose``), or blocks relaxed themselves (unless named in ``firm``), ``splits`` the
    footnotes continued on the next page:
    see :func:`makebook.pdf.print_edition`. ``pages`` is the page count the
    gutter is set for, which gives the measure code is wrapped to.
    """
    meta = book.metadata
    settings = meta.print_settings
    root = element('html', lang=meta.language)
    _head(child(root, 'head'), meta)
    body = child(root, 'body')
    if settings.half_title:
        half = child(body, 'section', class_='halftitle', id='halftitle')
        child(half, 'p', meta.title, class_='halftitle-title')
    body.append(title_page(meta))
    used = faces_for(book)
    body.append(copyright_page(meta, [face.family for face in used], licence_names(used)))
    sections = [_chapter(book, index) for index in range(len(book.chapters))]
    notes = None
    if settings.notes == 'book-endnotes':
        notes = print_notes.collect_book_notes(
            ((section, _title_of(section, chapter.title))
             for section, chapter in zip(sections, book.chapters, strict=True)), meta.labels('notes'))
    titles = [_title_of(section, chapter.title) for section, chapter in zip(sections, book.chapters,
                                                                             strict=True)]
    # Dedication and epigraph (from headings or metadata: render/front_pages.py) come
    # before the contents, each on its own recto, and stay out of it.
    first = leading(book.chapters)
    for chapter, section in zip(book.chapters[:first], sections[:first], strict=True):
        section.set('class', chapter.epub_type)  # not a chapter opener (print.css)
        body.append(section)
    body.append(_table_of_contents(book, titles, notes is not None, first))
    part = None
    for index, (chapter, section) in enumerate(zip(book.chapters, sections, strict=True)):
        if index < first:
            continue
        if chapter.part is not None and chapter.part != part:
            body.append(_part_page(chapter.part, first=index == first))
        elif index == first:  # the arabic folios start here (print.css)
            section.set('class', section.get('class', '') + ' body-start')
        part = chapter.part
        body.append(section)
    _drop_empty_divisions(body)
    print_split.apply_splits(body, list(splits))
    # A note's id (its paragraph is relaxed), or a block's own: found through one index of the
    # ids, not a search of the whole book for each (a layout may relax thousands).
    with_id: dict[str, list[etree._Element]] = {}
    if loose:
        for element_with_id in body.iterfind('.//*[@id]'):
            with_id.setdefault(element_with_id.get('id', ''), []).append(element_with_id)
    for loose_id in loose:
        for found in with_id.get(loose_id, ()):
            blocks = ('}p', '}li', '}td', '}th', '}h2', '}h3')
            block = found if found.tag.endswith(('}p', '}li')) else next(
                (a for a in found.iterancestors() if a.tag.endswith(blocks)), None)
            if block is None and found.tag.endswith(_RELAXED_CONTAINERS):
                block = found  # a block quote at a page's foot: its paragraphs relax (print.css)
            if (block is not None and block.get('id') not in firm
                    and 'loose' not in (block.get('class') or '').split()):
                block.set('class', f'{block.get("class") or ""} loose'.strip())
    _typeset(body, book, pages, processes)
    if notes is not None:
        notes_heading = notes.find(f'{{{XHTML_NS}}}h1')
        assert notes_heading is not None  # collect_book_notes heads the section with one
        notes_heading.set('data-running', meta.labels('notes'))
        labelled(notes_heading, meta, 'notes')
        body.append(notes)
    break_unbroken_runs(body)
    return root


# Blocks of blocks a layout may relax as a whole (the paragraphs inside are relaxed by print.css's
# '.loose p', as 'p' sets its own widows and orphans and would not inherit the container's).
_RELAXED_CONTAINERS = ('}blockquote', '}div', '}aside', '}figure', '}ul', '}ol', '}dl', '}dd')


def _drop_empty_divisions(body: etree._Element) -> None:
    """Leave out of the print document each ``<div>`` that holds nothing, has no attribute but an
    id, and whose id no link leads to: it sets nothing on the page. WeasyPrint collapses the
    margins of a run of empty blocks through every block before it, so 100,000 of them (pasted
    HTML never closed, each ended at its block) took it a time growing as their square."""
    divisions = list(body.iter(f'{{{XHTML_NS}}}div'))
    if not divisions:
        return
    targets = {href[1:] for link in body.iter(f'{{{XHTML_NS}}}a')
               if (href := link.get('href') or '').startswith('#')}
    for found in divisions:
        if (len(found) == 0 and not (found.text or '').strip()
                and set(found.keys()) <= {'id'} and found.get('id') not in targets):
            remove_keeping_tail(found)


def label_css(meta: Metadata) -> str:
    """The words print.css generates (cross-references, a continued note's mark) in the book's
    language: ``content:`` cannot be given a label any other way."""
    labels = meta.labels

    def content(key: str, counter: str) -> str:
        return _label_content(meta, key, f'target-counter(attr(href url), {counter})')

    return (f"a.xref-fig::after {{ content: {content('figure-ref', 'figure')}; }}\n"
            f"a.xref-page::after {{ content: {content('page-ref', 'page')}; }}\n"
            f"a.xref-sec::after {{ content: {content('section-page-ref', 'page')}; }}\n"
            'span.footnote-cont::footnote-marker { content: '
            f"{css_string(labels('continued'))} '\\2002'; }}\n")


def literal_label_css(meta: Metadata) -> str:
    """The rules of :func:`label_css` and print.css's contents for a link that carries its number
    (``data-mb-ref``, set when the book is laid out in pieces and its target is in another:
    :mod:`~makebook.pdf.pieces`), where target-counter() would find no target."""
    number = 'attr(data-mb-ref)'
    return (f"a.xref-fig[data-mb-ref]::after {{ content: {_label_content(meta, 'figure-ref', number)}; }}\n"
            f"a.xref-page[data-mb-ref]::after {{ content: {_label_content(meta, 'page-ref', number)}; }}\n"
            'a.xref-sec[data-mb-ref]::after { content: '
            f"{_label_content(meta, 'section-page-ref', number)}; }}\n"
            f"nav.toc a[data-mb-ref]::after {{ content: leader('.') {number}; }}\n")


def _label_content(meta: Metadata, key: str, number: str) -> str:
    before, _, after = meta.labels(key, n='\0', title='').partition('\0')
    return f'{css_string(before)} {number} {css_string(after)}'


def css_string(text: str) -> str:
    """``text`` as a CSS string: quotes, backslashes and line breaks escaped."""
    return "'" + ''.join(f'\\{ord(c):x} ' if c in '\'\\\n\r\f' else c for c in text) + "'"


# A text this long with no place a line may break (render/words.BREAK_IN_TEXT: no space, hyphen,
# slash...) is no word of any language: a pasted hash or base64 blob, or a hostile manuscript.
LONGEST_UNBROKEN = 200
# In the print document such a run may break every this many characters (a zero-width space),
# and is cut into spans of this many pieces.
BREAK_EVERY = 8
_PIECES_PER_SPAN = 8
_CANNOT_BREAK = '[^' + BREAK_IN_TEXT.pattern[1:-1] + ']'
_UNBROKEN = re.compile(f'(?<!{_CANNOT_BREAK}){_CANNOT_BREAK}{{{LONGEST_UNBROKEN},}}')
_ZERO_WIDTH_SPACE = '\u200b'
# Characters a break before would split from the one before them (a mark, an emoji's joiner,
# variation selector or skin tone), and the regional indicators that pair into flags.
_JOINS_BEFORE = re.compile('[\u200c\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0100-\U000e01ef]')
_REGIONAL = re.compile('[\U0001f1e6-\U0001f1ff]')


def break_unbroken_runs(body: etree._Element) -> None:
    """Let each text run of at least :data:`LONGEST_UNBROKEN` characters with no place to break a
    line break every :data:`BREAK_EVERY` characters (a zero-width space), the run cut into short
    ``<span>`` (the EPUB and the web edition keep it whole: a browser breaks it where it must).

    WeasyPrint breaks such a run only where it overflows (print.css: ``overflow-wrap``), and to
    find each line's end it lays out the rest of the text from that line on: a word of 16,000
    characters took it 2.9 CPU s to lay out (n^1.6; 0.10 s at 2,000). With a break every few
    characters each text it lays out for a line holds its end within a line or two; and in a
    span of its own, as it measures the narrowest a table's cell may be by laying out the rest
    of a text at each break (breaks alone: 16,000 characters of code in a cell took 12 CPU s,
    where before it ran off the page's edge). A break ends each span, so the run is not one
    word of many elements either (render/words.py). Where the lines break changes (at most
    seven characters short of the measure, where the word broke anywhere); the text the PDF
    holds does not: zero-width spaces are not extracted."""
    for parent in list(body.iter(f'{{{XHTML_NS}}}*')):
        if parent.text and len(parent.text) >= LONGEST_UNBROKEN:
            pieces = _with_breaks(parent.text)
            if len(pieces) > 1:
                parent.text = None
                _place(parent, None, pieces)
        for kid in list(parent):
            if kid.tail and len(kid.tail) >= LONGEST_UNBROKEN:
                pieces = _with_breaks(kid.tail)
                if len(pieces) > 1:
                    kid.tail = None
                    _place(parent, kid, pieces)


def _place(parent: etree._Element, after: etree._Element | None, pieces: list[str | etree._Element]) -> None:
    """``pieces`` (texts and spans, in order) into ``parent``'s text (``after`` None) or after
    ``after``: each text goes where text there goes, each span after what came before it."""
    position = 0 if after is None else parent.index(after) + 1
    last = after
    for piece in pieces:
        if isinstance(piece, str):
            if last is None:
                parent.text = (parent.text or '') + piece
            else:
                last.tail = (last.tail or '') + piece
        else:
            parent.insert(position, piece)
            position += 1
            last = piece


def _with_breaks(text: str) -> list[str | etree._Element]:
    """``text`` with each run too long to be a word as spans of :data:`_PIECES_PER_SPAN` pieces of
    :data:`BREAK_EVERY` characters, a zero-width space between pieces and at the end of each span
    but the last; a piece goes on past a character that joins the one before it."""
    out: list[str | etree._Element] = []
    done = 0
    for run in _UNBROKEN.finditer(text):
        out.append(text[done:run.start()])
        cuts = [run.start()]
        at = run.start() + BREAK_EVERY
        while at < run.end():
            if _joins(text, at):
                at += 1
                continue
            cuts.append(at)
            at += BREAK_EVERY
        cuts.append(run.end())
        pieces = [text[a:b] for a, b in itertools.pairwise(cuts)]
        for first in range(0, len(pieces), _PIECES_PER_SPAN):
            group = pieces[first:first + _PIECES_PER_SPAN]
            last = first + _PIECES_PER_SPAN >= len(pieces)
            out.append(element('span', _ZERO_WIDTH_SPACE.join(group) + ('' if last else _ZERO_WIDTH_SPACE)))
        done = run.end()
    if done:
        out.append(text[done:])
    return out


def _joins(text: str, at: int) -> bool:
    """Whether a break before ``text[at]`` would split what reads as one character: a mark, an
    emoji's joiner, variation selector or skin tone, the second of a flag's letters."""
    return bool(unicodedata.category(text[at])[0] == 'M' or _JOINS_BEFORE.match(text, at)
                or text[at - 1] == '\u200d' or (_REGIONAL.match(text, at) and _REGIONAL.match(text, at - 1)))


def _typeset(body: etree._Element, book: RenderedBook, pages: int, processes: int = 1) -> None:
    """Code wrapped to the measure, running text broken into lines a block at a time and
    display lines balanced (unless the book brings its own print stylesheet and it declares
    what the line breaker cannot know: a font, a size, a margin; see pdf/printcss.py)."""
    meta = book.metadata
    width = text_width_inches(meta.trim, pages) * 72
    code.wrap_code_blocks(body, width)
    code.break_inline_code(body)
    if printcss.leaves_text_alone(css_for(meta.stylesheets, 'print')):
        justify.justify(body, width, meta.language, processes)
        display.balance_display_lines(body, width, meta.language)


def _part_page(part: Part, first: bool) -> etree._Element:
    """A part's title page, alone on a right-hand page."""
    page = element('section', class_='part body-start' if first else 'part', id=part.id)
    # Its bookmark and running title from the attribute: the title may be broken into lines.
    child(page, 'h1', part.title, class_='part-title', **{'data-label': part.title})
    return page


def _head(head: etree._Element, meta: Metadata) -> None:
    child(head, 'meta', charset='utf-8')
    child(head, 'title', meta.title)
    for author in meta.authors:
        child(head, 'meta', name='author', content=author.name)
    if meta.description:
        child(head, 'meta', name='description', content=meta.description)
    keywords = list(dict.fromkeys((*meta.subjects, *meta.print_settings.keywords)))
    if keywords:
        child(head, 'meta', name='keywords', content=', '.join(keywords))
    stamp = meta.modified.strftime('%Y-%m-%dT%H:%M:%SZ')
    child(head, 'meta', name='dcterms.created', content=stamp)
    child(head, 'meta', name='dcterms.modified', content=stamp)
    child(head, 'meta', name='generator', content='make-book')


def _chapter(book: RenderedBook, index: int) -> etree._Element:
    """One chapter, rewritten for print: label, running head, language, notes."""
    chapter = book.chapters[index]
    settings = book.metadata.print_settings
    section = chapter_element(chapter)
    math_to_svg(section)  # WeasyPrint cannot lay out MathML
    classes = (section.get('class') or '').split()
    heading = section.find(f'{{{section.nsmap[None]}}}h1')
    if heading is not None:
        # A {lang=fr} on the heading is meant for the whole chapter (hyphenation).
        lang = heading.get('lang')
        if lang and not section.get('lang'):
            section.set('lang', lang)
        # Titles without their note calls: the TOC and the running head show no '1'. A blank
        # heading (Quarto's '# &nbsp;') takes the chapter's title (its first words), as in the EPUB.
        title = print_notes.text_without_notes(heading).strip() or chapter.title
        heading.set('data-title', title)
        heading.set('data-label', title)  # the bookmark (print.css)
        heading.set('data-running', running_title(heading.get('data-short-title') or title,
                                                  book.metadata.trim))
    label = settings.label_for(chapter.number) if chapter.number is not None else None
    if label:
        section.insert(0, element('p', label, class_='chapter-number'))
    else:
        classes.append('no-label')
    if settings.notes == 'footnotes':
        print_notes.footnotes_at_page_foot(section)
    elif settings.notes == 'chapter-endnotes':
        print_notes.head_chapter_notes(section, book.metadata.labels('notes'))
    if settings.small_caps:
        _lead_in(section)
    else:
        classes.append('no-small-caps')
    section.set('class', ' '.join(classes))
    return section


# Words a lead-in does not end on: it runs on to the next word.
_RUNS_ON = frozenset({'a', 'an', 'the', 'of', 'to', 'in', 'on', 'at', 'by', 'for', 'and', 'or', 'but',
                      'with', 'from', 'as', 'its', 'his', 'her', 'their', 'my', 'our', 'your', 'that'})


def _lead_in(section: etree._Element) -> None:
    """Set a chapter's first words in small capitals, to a natural break.

    From three to seven words, ending at the first punctuation in that span;
    without one, four words (more if the fourth is 'the', 'of'...). Only the
    paragraph that opens the chapter's text gets one, and only its plain words.
    """
    first = next((node for node in section if isinstance(node.tag, str)
                  and etree.QName(node).localname not in ('h1', 'span')
                  and 'chapter-number' not in (node.get('class') or '')
                  and 'chapter-subtitle' not in (node.get('class') or '')
                  and 'epigraph' not in (node.get('class') or '')), None)
    if first is None or etree.QName(first).localname != 'p':
        return
    words = re.findall(r'\S+\s*', first.text or '')
    count = _lead_in_length([word.strip() for word in words])
    if count == 0 or _UNBROKEN.search(''.join(words[:count])):
        # No small capitals for a run no word is (break_unbroken_runs): their letter-spacing
        # would open a gap at each of its breaks, which the PDF's text would read as a space.
        return
    lead = element('span', ''.join(words[:count]).rstrip(), class_='lead-in')
    lead.tail = ' ' * bool(words[count - 1][-1:].isspace()) + ''.join(words[count:])
    first.text = None
    first.insert(0, lead)


def _lead_in_length(words: list[str]) -> int:
    """How many of a paragraph's first ``words`` (its plain text, before any markup) the
    lead-in takes; 0 when there are too few."""
    if len(words) < 3:
        return len(words) if len(words) == 2 else 0
    for count in range(3, min(7, len(words)) + 1):
        if re.search(r'[,;:.!?—)]$', words[count - 1]):
            return count
    count = 4
    while count < min(6, len(words)) and words[count - 1].lower() in _RUNS_ON:
        count += 1
    return min(count, len(words))


def _title_of(section: etree._Element, fallback: str) -> str:
    heading = section.find(f'{{{XHTML_NS}}}h1')
    return heading.get('data-title', fallback) if heading is not None else fallback


def _table_of_contents(book: RenderedBook, titles: list[str], with_notes: bool,
                       skip: int = 0) -> etree._Element:
    meta = book.metadata
    nav = element('nav', class_='toc', id='contents', role='doc-toc')
    labelled(child(nav, 'h1', meta.labels('contents'), class_='toc-title'), meta, 'contents')
    top = child(nav, 'ol')
    title_of = {chapter.id: title for chapter, title in zip(book.chapters, titles, strict=True)}
    for part, chapters in by_part(book.chapters[skip:]):
        entries = top
        if part is not None:  # a part's chapters nest under it
            item = child(top, 'li', class_='toc-part')
            child(item, 'a', part.title, href=f'#{part.id}')
            entries = child(item, 'ol')
        for node in nest(chapters):
            _toc_entry(entries, node, title_of)
    if with_notes:
        item = child(top, 'li', class_='toc-chapter')
        labelled(child(item, 'a', meta.labels('notes'), href='#book-notes'), meta, 'notes')
    return nav


def _toc_entry(entries: etree._Element, node: TocNode, title_of: dict[str, str]) -> None:
    chapter, subchapters = node
    item = child(entries, 'li', class_='toc-chapter')
    child(item, 'a', title_of[chapter.id], href=f'#{chapter.id}')
    if subchapters:  # sub-chapters sit indented under their chapter
        nested = child(item, 'ol', class_='toc-subchapters')
        for subchapter in subchapters:
            _toc_entry(nested, subchapter, title_of)
