"""Per-file checks and repairs of a converted file, before its ids and notes are rearranged.

A manuscript can be anything: blockquotes nested 500 deep, a footnote
reference with no note, the same ``{#id}`` twice, a pasted ``<li>`` with no
list. Each of these is found here and reported with the file and line; what
would make an invalid book is repaired (flattened, renamed) so the rest of
the book can still be rendered and checked in the same run.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from lxml import etree

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import Locator, SourceFile
from makebook.render.content import repair_content
from makebook.render.words import crowded_words
from makebook.source import notes
from makebook.xhtml import remove_keeping_tail, text_content

# Deeper than this, libxml2 (and so lxml, ebooklib and many reading systems)
# refuses the document; no book needs a tenth of it.
MAX_DEPTH = 100
_FOOTNOTE_REFERENCE = re.compile(r'\[\^' + notes.LABEL + r'\]')  # as the source reads it
_CODE_TAGS = ('code', 'pre', 'kbd', 'samp')


def nesting(body: etree._Element, where: Locator, problems: list[Diagnostic]) -> None:
    """Report elements nested deeper than :data:`MAX_DEPTH` and flatten them to text.

    Every element at the limit that holds others is flattened, not only the first one
    reached: in a formula (``\\frac{1}{\\frac{1}{…}}``) or a list item with a paragraph
    before its sub-list, the first element at the limit is a leaf and the deep branch is
    its sibling, which libxml2 then refused further on (a traceback)."""
    level: list[etree._Element] = [body]
    for _ in range(MAX_DEPTH):  # level by level, iterative: no recursion, whatever the depth
        level = [child for element in level for child in element]
    too_deep = [element for element in level if len(element)]
    if not too_deep:
        return
    problems.append(codes.NESTED_TOO_DEEP(f'blocks nested more than {MAX_DEPTH} levels deep '
                                          '(blockquotes, lists, formulas or HTML); flatten the structure',
                                          where.path, _nested_line(where)))
    for element in too_deep:
        text = text_content(element)
        for child in list(element):
            element.remove(child)
        element.text = text


def _nested_line(where: Locator) -> int | None:
    return deepest_line(where.source)


def deepest_line(source: SourceFile) -> int | None:
    """The line where the deepest nesting is written (most '>' or the widest indent)."""
    best, best_line = 0, None
    for number, line in enumerate(source.markdown.split('\n')):
        stripped = line.lstrip(' \t>')
        score = len(line) - len(stripped)
        if score > best:
            best, best_line = score, source.first_line + number
    return best_line


def duplicate_ids(body: etree._Element, where: Locator, problems: list[Diagnostic]) -> None:
    """Report an id written twice in one file: links to it could land on either.

    A heading's id the author did not write (Python-Markdown's, from its text) gives way
    to an id the author did: ``<a id="instalacion"></a>`` above ``## Instalación``, as
    translated mdBooks keep their old links working, is the author's anchor, and the
    heading becomes 'instalacion-1' (mdBook itself would have called it 'instalación').
    """
    elements = [element for element in body.iter() if isinstance(element.tag, str) and element.get('id')]
    counts = Counter(element.get('id') for element in elements)
    taken = set(counts)
    given: frozenset[str] | None = None
    for element in elements:
        name = element.get('id', '')
        if counts[name] > 1 and etree.QName(element).localname in _HEADINGS:
            given = _ids_given(where.source.markdown) if given is None else given
            if not _generated_id(name, where.source.markdown, given):
                continue
            counts[name] -= 1
            number = 1
            while f'{name}-{number}' in taken:
                number += 1
            element.set('id', f'{name}-{number}')
            taken.add(f'{name}-{number}')
    for element_id, count in counts.items():
        if count > 1:
            problems.append(codes.DUPLICATE_FILE_ID(
                f"the id '{element_id}' is given {count} times in this file; links to it would be "
                'ambiguous', where.path, where.line_of(f'#{element_id}', f'"{element_id}"')))


_HEADINGS = ('h1', 'h2', 'h3', 'h4', 'h5', 'h6')
_ATTRIBUTE_RUN = re.compile(r'\{[^}\n]*')
_ID_TOKEN = re.compile(r'#([^\s}]*)(?=[\s}])')


def _ids_given(markdown: str) -> frozenset[str]:
    """Every id a ``{... #id ...}`` of the file gives, read once: each '#' after a '{' on its
    line, with no '}' between, up to the next space or '}'. Looking for each duplicated
    heading's id in the whole file made 4,000 headings given twice each quadratic (2.7 CPU s)."""
    given = set()
    for run in _ATTRIBUTE_RUN.finditer(markdown):
        hash_ = markdown.find('#', run.start(), run.end())
        while hash_ >= 0:
            if (token := _ID_TOKEN.match(markdown, hash_, run.end() + 1)) is not None:
                given.add(token.group(1))
            hash_ = markdown.find('#', hash_ + 1, run.end())
    return frozenset(given)


def _generated_id(name: str, markdown: str, given: frozenset[str]) -> bool:
    """True for a heading's id no ``{#id}`` in the file gave: Python-Markdown's own."""
    if not re.search(r'[\s}]', name):  # an id a token of ``given`` can be
        return name not in given
    return re.search(r'\{[^}\n]*#' + re.escape(name) + r'(?=[\s}])', markdown) is None


def _prose(body: etree._Element) -> Iterator[str]:
    """Every piece of the file's text outside code, in order."""
    for element in body.iter():
        if not isinstance(element.tag, str) or etree.QName(element).localname in _CODE_TAGS:
            continue
        if any(etree.QName(a).localname in _CODE_TAGS for a in element.iterancestors()):
            continue
        for text in (element.text, element.tail if element is not body else None):
            if text:
                yield text


def missing_footnotes(body: etree._Element, where: Locator, problems: list[Diagnostic]) -> None:
    """Report ``[^label]`` left as text: Python-Markdown found no note called ``label``."""
    for text in _prose(body):
        for match in _FOOTNOTE_REFERENCE.finditer(text):
            problems.append(codes.MISSING_NOTE(f"footnote reference '{match.group()}' has no note "
                                               f"(add a line '[^{match.group(1)}]: ...')",
                                               where.path, where.line_of(match.group())))


# Elements that are valid only inside certain parents (the XHTML content model that
# EPUBCheck enforces); pasted HTML puts them anywhere and the HTML parser keeps them.
_PARENTS = {
    'figcaption': ('figure',), 'li': ('ul', 'ol', 'menu'), 'dt': ('dl',), 'dd': ('dl',),
    'summary': ('details',), 'caption': ('table',), 'colgroup': ('table',), 'col': ('colgroup',),
    'thead': ('table',), 'tbody': ('table',), 'tfoot': ('table',),
    'tr': ('table', 'thead', 'tbody', 'tfoot'), 'td': ('tr',), 'th': ('tr',),
    'rt': ('ruby',), 'rp': ('ruby',), 'legend': ('fieldset',),
}
_FIRST_ONLY = {'summary', 'caption', 'legend'}  # must open their parent
_FLOW_PARENTS = frozenset({'body', 'section', 'div', 'blockquote', 'li', 'dd', 'td', 'th', 'figure',
                           'aside', 'details', 'nav', 'header', 'footer', 'article', 'main',
                           'figcaption', 'caption', 'fieldset', 'hgroup'})


def misplaced(body: etree._Element, where: Locator, problems: list[Diagnostic]) -> None:
    """Turn an element outside the parent it needs (a ``<figcaption>`` with no
    ``<figure>``, an ``<li>`` with no list) into a plain ``div`` or ``span``, with a warning.

    Each parent's children are listed once (not once per child: a list of 40,000 items
    stays linear)."""
    for parent in list(body.iter()):
        if not isinstance(parent.tag, str):
            # lxml-stubs type every .tag as str; a comment's or a PI's is a function.
            continue  # type: ignore[unreachable]
        children = [c for c in parent if isinstance(c.tag, str)]
        if not any(etree.QName(c).localname in _PARENTS for c in children):
            continue
        parent_name = etree.QName(parent).localname
        for position, element in enumerate(children):
            qname = etree.QName(element)
            allowed = _PARENTS.get(qname.localname)
            if allowed is None:
                continue
            placed = parent_name in allowed
            if placed and qname.localname in _FIRST_ONLY:
                placed = position == 0
            if placed and qname.localname == 'figcaption':
                _drop_trailing_breaks(element)  # rare: the parent's children listed again
                children = [c for c in parent if isinstance(c.tag, str)]
                placed = element in (children[0], children[-1])
            if not placed:
                _make_plain(element, qname, parent_name, where, problems)


def _make_plain(element: etree._Element, qname: etree.QName, parent_name: str, where: Locator,
                problems: list[Diagnostic]) -> None:
    replacement = 'div' if parent_name in _FLOW_PARENTS else 'span'
    problems.append(codes.MISPLACED_ELEMENT(f'<{qname.localname}> is not allowed inside '
                                            f'<{parent_name}> (e-readers reject it); it becomes '
                                            f'a <{replacement}>', where.path,
                                            where.line_of(f'<{qname.localname}')))
    element.tag = f'{{{qname.namespace}}}{replacement}' if qname.namespace else replacement
    for name in [a for a in element.attrib if a in ('colspan', 'rowspan', 'headers', 'scope',
                                                      'abbr', 'span', 'value')]:
        del element.attrib[name]


def _drop_trailing_breaks(caption: etree._Element) -> None:
    """Remove the ``<br>``s after a figure's caption (GitHub-rendered books space figures
    with them: '<figcaption>Fig. 1</figcaption><br><br></figure>'), so it closes its figure."""
    parent = caption.getparent()
    after = [c for c in caption.itersiblings() if isinstance(c.tag, str)]
    if parent is not None and after and all(
            etree.QName(c).localname == 'br' and not (c.tail or '').strip() for c in after):
        for br in after:
            parent.remove(br)  # its tail is blank


# Pandoc citations: '[@doe99]', '[see @doe99, p. 3; @roe02]', '[-@doe99]'.
_CITATION = re.compile(r'\[[^\[\]]*?-?@[\w][\w:.#$%&+?<>~/-]*[^\[\]]*\]')


def citations(body: etree._Element, where: Locator, problems: list[Diagnostic]) -> None:
    """One warning for the pandoc citations a file leaves as text (make-book has no citeproc),
    at the first one's line: they would otherwise print as '[@doe99]' without a word."""
    found = [match.group() for text in _prose(body) for match in _CITATION.finditer(text)]
    if found:
        more = f' and {len(found) - 1} more' if len(found) > 1 else ''
        problems.append(codes.CITATION_LEFT(
            f"pandoc citations are not supported: '{found[0]}'{more} left as text (write the "
            'reference out, or build the bibliography with pandoc)', where.path, where.line_of(found[0])))


_XHTML_A = '{http://www.w3.org/1999/xhtml}a'


def named_anchors(body: etree._Element) -> None:
    """``<a name="x">``, the anchor HTML 4 wrote (and translations of old books still do:
    the Russian Rust book has 38), becomes ``<a id="x">``, so links to ``#x`` reach it; the
    name attribute is obsolete in the XHTML of an EPUB 3."""
    for anchor in body.iter(_XHTML_A, 'a'):
        name = anchor.get('name')
        if name is None:
            continue
        del anchor.attrib['name']
        if name.strip() and not anchor.get('id') and not any(c.isspace() for c in name):
            anchor.set('id', name)


def empty_links(body: etree._Element) -> None:
    """'[]()': a link with no address and nothing to read or press (PAIP leaves 67 in its tables'
    header rows; Ace: link-name) is no link. It holds none of the author's text, so it goes;
    before the header cells are looked at, so a cell it leaves empty is seen as empty."""
    empty = [link for link in body.iter('{http://www.w3.org/1999/xhtml}a', 'a')
             if link.get('href') is not None and not link.get('href', '').strip()
             and not link.get('id') and not link.get('name')
             and len(link) == 0 and not text_content(link).strip()]
    for link in empty:
        remove_keeping_tail(link)


def empty_header_cells(body: etree._Element) -> None:
    """An empty header cell (the corner of a table whose first column heads its rows, as
    '|   | a | b |' writes it) is a data cell: a header that names nothing is an accessibility
    failure (Ace, axe's empty-table-header), and reads the same."""
    for cell in body.iter('{http://www.w3.org/1999/xhtml}th', 'th'):
        # An anchor alone ('<a name=fig-02-01>' above a figure's table, as PAIP writes) names nothing.
        if not text_content(cell).strip() and all(_is_bare_anchor(child) for child in cell):
            cell.tag = cell.tag[:-2] + 'td'


def _is_bare_anchor(node: etree._Element) -> bool:
    return (isinstance(node.tag, str) and etree.QName(node).localname == 'a' and len(node) == 0
            and not (node.text or '').strip())


def check_body(body: etree._Element, source: SourceFile | Locator, problems: list[Diagnostic]) -> None:
    """Every check of one converted file, run before its ids and notes are rearranged."""
    where = Locator.of(source)
    nesting(body, where, problems)
    # Each pass reports in the order things are written: its own view of the locator.
    repaired = where.in_order()
    repair_content(body, lambda message, needle: problems.append(
        codes.HTML_REPAIRED(message, where.path, repaired.line_of(needle, ignore_case=True))))
    crowded_words(body, where.in_order(), problems)
    misplaced(body, where.in_order(), problems)
    named_anchors(body)
    empty_links(body)
    empty_header_cells(body)
    duplicate_ids(body, where.in_order(), problems)
    missing_footnotes(body, where.in_order(), problems)
    citations(body, where.in_order(), problems)
