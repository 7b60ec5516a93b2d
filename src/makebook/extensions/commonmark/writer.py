"""CommonMark's block structure, written out for Python-Markdown to read unambiguously.

Python-Markdown reads nesting by 4-space indentation and has its own rules for lists,
quotes, fences and headings; CommonMark (and GitHub, pandoc, mdBook) read by content
columns. Rather than teach each Python-Markdown processor CommonMark's rules, the file's
block structure is taken from markdown-it-py (reader.py) and written back as text
Python-Markdown cannot misread:

* every container (list, item, block quote, definition list) is an explicit pair of
  marker lines, ``STX cm:ul:tight ETX`` ... ``STX cm:end ETX``, around its content, which
  is written at column 0 whatever its depth (containers.py builds the element);
* code blocks and fences are highlighted here and HTML blocks kept as they are, both in
  Python-Markdown's stash of raw HTML (so nothing inside them is read as Markdown);
* headings are written as ATX headings, thematic breaks as ``***``;
* paragraphs keep their lines (and so their hard breaks and Python-Markdown's own
  syntax: tables, abbreviations, attribute lists, line blocks, math), with the start of
  a line escaped where Python-Markdown would read block syntax CommonMark does not;
* footnotes (``[^1]:``) and pandoc fenced divs (``:::``) are written in the syntax their
  extensions read, with their content indented or fenced as those need.

Blocks are separated by blank lines, so Python-Markdown sees each one alone. STX and
ETX never reach here from the manuscript (the preprocessor removes them first, as
Python-Markdown does).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from markdown_it.token import Token

from makebook import codes
from makebook.codes import Code
from makebook.extensions.attributes import unnumbered_minus
from makebook.extensions.commonmark import code as code_blocks
from makebook.extensions.commonmark import reader
from makebook.extensions.commonmark.reader import Parsed
from makebook.extensions.fenced_divs import CLOSE_RE, OPEN_RE

STX, ETX = '\x02', '\x03'
MARK = STX + 'cm:'
END = f'{MARK}end{ETX}'
HOLLOW = f'{MARK}hollow{ETX}'  # stands where a footnote's first line would be

# Line starts Python-Markdown reads as block syntax inside a paragraph, where CommonMark
# reads text: a heading, a quote, a setext underline, a list item.
_HASH = re.compile(r'^#')
_QUOTE = re.compile(r'^>')
_UNDERLINE = re.compile(r'^(=+|-+)[ \t]*$')
_RULE = re.compile(r'^(?:(?:-[ ]{0,2}){3,}|(?:_[ ]{0,2}){3,}|(?:\*[ ]{0,2}){3,})[ ]*$')
_ITEM = re.compile(r'^(?:[-+*](?:[ \t]|$)|\d+[.)](?:[ \t]|$))')
_DIGITS_DOT = re.compile(r'^(\d+)([.)])')
_OPENING_TAG = re.compile(r'^ {0,3}<([A-Za-z][A-Za-z0-9-]*)[\s>]')
_HTML_START = re.compile(r'^</?[A-Za-z][A-Za-z0-9-]*[\s/>]')
_TABLE_CAPTION = re.compile(r'^(?:Table:|:)[ \t]+\S')
_HEADING_LIKE = re.compile(r'^#{1,6}[^\W\d_]')
_ORDERED_ITEM = re.compile(r'^\d{1,9}[.)][ \t]+\S')
# An HTML block opening with an element that asks for Markdown inside (md_in_html).
_VALUE = r'(?:"[^"]*"|\'[^\']*\'|[^\s"\'=<>`]+)'
_MARKDOWN_TAG = re.compile(
    r'^ {0,3}<(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attrs>(?:\s+[^\s=/>]+(?:\s*=\s*' + _VALUE + r')?)*)\s*>',
    re.DOTALL)
_ATTRIBUTE = re.compile(r'([^\s=/>]+)(?:\s*=\s*("[^"]*"|\'[^\']*\'|[^\s"\'=<>`]+))?')


def _html_attributes(text: str) -> list[tuple[str, str]]:
    found = []
    for name, value in _ATTRIBUTE.findall(text):
        if value[:1] in ('"', "'"):
            value = value[1:-1]
        found.append((name.lower(), value))
    return found


def opener(kind: str, *args: object) -> str:
    return MARK + ':'.join([kind, *(str(a) for a in args)]) + ETX


@dataclass
class Node:
    token: Token
    children: list[Node] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.token.type

    def content(self) -> str:
        """The text of a paragraph, heading or term (its inline token)."""
        return next((c.token.content for c in self.children if c.type == 'inline'), '')


def tree(tokens: list[Token]) -> list[Node]:
    root = Node(Token('root', '', 1))
    stack = [root]
    for token in tokens:
        if token.nesting == -1:
            stack.pop()
            continue
        node = Node(token)
        stack[-1].children.append(node)
        if token.nesting == 1:
            stack.append(node)
    return root.children


Stash = Callable[[str], str]  # raw HTML -> the placeholder Python-Markdown restores
Problem = tuple[Code, str, int]  # code, message, line index in the text


class Writer:
    """Writes one parse; ``problems`` gets what CommonMark reads differently from habit."""

    def __init__(self, parsed: Parsed, stash: Stash, offset: int = 0,
                 hidelines: Mapping[str, str] | None = None) -> None:
        self.parsed = parsed
        self.stash = stash
        self.offset = offset  # line of parsed.lines[0] in the file's text
        self.hidelines = hidelines  # an mdBook's file: its code blocks hide lines as mdBook does
        self.problems: list[Problem] = []
        # Elements with markdown="1": (tag, attributes, inline only); containers.py builds them.
        self.elements: list[tuple[str, dict[str, str], bool]] = []

    def write(self) -> list[str]:
        lines = self.blocks(tree(self.parsed.tokens))
        for duplicate in self.parsed.duplicates:
            line = duplicate['map'][0]
            first = self.parsed.references.get(duplicate['label'], {}).get('map', [line])[0]
            self.warn(codes.DUPLICATE_LINK_LABEL, f"the link label [{duplicate['label'].lower()}] is "
                      f'defined again here: the first definition, {line - first} lines above, is the one '
                      'used', line)
        return lines

    def warn(self, code: Code, message: str, line: int) -> None:
        self.problems.append((code, message, self.offset + line))

    # ------------------------------------------------------------ sequences of blocks

    def blocks(self, nodes: list[Node]) -> list[str]:
        out: list[str] = []
        for index, node in enumerate(nodes):
            if index:
                self.check_nesting(nodes[index - 1], node)
                self.check_html_as_code(nodes[index - 1], node)
            lines = self.block(node)
            if not lines:
                continue
            if out:
                out.append('')
            out.extend(lines)
        return out

    def block(self, node: Node) -> list[str]:
        kind = node.type
        if kind == 'paragraph_open':
            self.check_paragraph(node)
            return paragraph_lines(node.content())
        if kind == 'heading_open':
            self.check_heading(node)
            content = node.content()
            if node.token.markup in ('=', '-'):  # render reads pandoc's {-} on '# ' lines only
                content = unnumbered_minus(content, last_only=True)
            return [heading_line(int(node.token.tag[1]), content)]
        if kind == 'hr':
            return ['***']
        if kind == 'code_block':
            return [self.stash(code_blocks.render_code(node.token.content, code_blocks.Info(None)))]
        if kind == 'fence':
            return self.fence(node.token)
        if kind == 'html_block':
            return self.html_block(node.token)
        if kind == 'table_open':
            return table_lines((node.token.meta or {}).get('lines', []))
        if kind in ('bullet_list_open', 'ordered_list_open'):
            return self.bullets(node)
        if kind == 'blockquote_open':
            return self.container(opener('blockquote'), node.children)
        if kind == 'dl_open':
            return self.definitions(node)
        if kind == 'dt_open':
            return self.container(opener('dt'), [], paragraph_lines(node.content()))
        if kind == 'footnote_reference_open':
            return self.footnote(node)
        if kind == 'fenced_div_open':
            return self.fenced_div(node)
        return []

    def container(self, first: str, children: list[Node], lines: list[str] | None = None) -> list[str]:
        """An element's marker lines around its blocks (``lines`` when already written)."""
        inner = self.blocks(children) if lines is None else lines
        return [first, '', *inner, *([''] if inner else []), END]

    # ------------------------------------------------------------ containers

    def bullets(self, node: Node) -> list[str]:
        token = node.token
        if token.type == 'ordered_list_open':
            first = opener('ol', tightness(node, 'list_item_open'), int((token.attrs or {}).get('start', 1)))
        else:
            first = opener('ul', tightness(node, 'list_item_open'))
        out = [first]
        for item in node.children:
            out += ['', *self.container(opener('li'), item.children, self.item(item))]
        return [*out, '', END]

    def item(self, item: Node) -> list[str] | None:
        """A list item's blocks, with Python-Markdown's reading of its code blocks where the
        manuscript is written for it: an item whose marker stands at a multiple of 4
        columns, with code indented 8 from the marker (Python-Markdown's 4 for the item and
        4 for the code), keeps no more indentation than Python-Markdown gave it, where
        CommonMark would keep what lies past the content column + 4 (2 spaces under ``- ``)."""
        meta = item.token.meta or {}
        extra = 4 - meta.get('width', 4)
        if extra <= 0 or meta.get('column', 1) % 4:
            return None
        out: list[str] = []
        for child in item.children:
            lines = self.block(child)
            # (Code on the marker's own line is CommonMark's alone: Python-Markdown has none.)
            if child.type == 'code_block' and child.token.map and child.token.map[0] != meta.get('line'):
                code = child.token.content
                if all(line.startswith(' ' * extra) for line in code.split('\n') if line.strip()):
                    code = '\n'.join(line[extra:] for line in code.split('\n'))
                    lines = [self.stash(code_blocks.render_code(code, code_blocks.Info(None)))]
            if lines:
                out += [*([''] if out else []), *lines]
        return out

    def definitions(self, node: Node) -> list[str]:
        """A definition list; a definition is loose (paragraphs) when markdown-it found the
        list loose or, as pandoc and Python-Markdown read it, a blank line precedes it."""
        loose_list = tightness(node, 'dd_open') == 'loose'
        out = [opener('dl')]
        for child in node.children:
            if child.type == 'dd_open':
                start = (child.token.map or [0])[0]
                blank = start > 0 and not self.parsed.lines[start - 1].strip(' \t>')
                first = opener('dd', 'loose' if loose_list or blank else 'tight')
                out += ['', *self.container(first, child.children)]
            else:
                out += ['', *self.block(child)]
        return [*out, '', END]

    def footnote(self, node: Node) -> list[str]:
        """``[^label]: first line`` and the rest indented 4, as Python-Markdown's footnotes read."""
        label = (node.token.meta or {}).get('label', '')
        children = node.children
        if children and children[0].type == 'paragraph_open':
            lines = self.block(children[0])
            children = children[1:]
        else:
            lines = [HOLLOW]
        rest = self.blocks(children)
        out = [f'[^{label}]: {lines[0]}', *(indent(lines[1:]))]
        if rest:
            out += ['', *indent(rest)]
        return out

    def fenced_div(self, node: Node) -> list[str]:
        """Pandoc's ``:::`` div, its content at column 0; fenced_divs builds the element
        (and warns when the div is never closed: then no closing line is written)."""
        meta = node.token.meta or {}
        # No blank line inside the fences: fenced_divs joins the lines between them and
        # parses them again, and a table would take a trailing newline for an empty row.
        closing = [':::'] if meta.get('closed') else []
        return [meta.get('opener', ':::'), *self.blocks(node.children), *closing]

    # ------------------------------------------------------------ what habit reads otherwise

    def check_paragraph(self, node: Node) -> None:
        """A line starting '#Title' (a heading for Python-Markdown) or '3. ' (an item when a
        list cannot interrupt the paragraph) that CommonMark keeps as the paragraph's text."""
        start = (node.token.map or [0])[0]
        in_math = marked = False
        lines = [line.strip() for line in node.content().split('\n')]
        for index, text in enumerate(lines):
            # A list, not prose wrapped before a number ('born in' / '1950. She'): the line
            # above ends with ':' or the line below is numbered too.
            listed = index and (lines[index - 1].endswith(':') or (
                index + 1 < len(lines) and _ORDERED_ITEM.match(lines[index + 1])))
            if not in_math and _HEADING_LIKE.match(text):
                self.warn(codes.NOT_A_HEADING, f"'{_short(text)}' is text, not a heading: a heading needs "
                          'a space after its #s', start + index)
            elif not in_math and listed and _ORDERED_ITEM.match(text) and not marked:
                marked = True  # once a paragraph is enough
                self.warn(codes.MARKER_AS_TEXT, f"'{_short(text)}' continues the paragraph above, not a "
                          'list: right after a paragraph line a numbered list must start at 1 (or put '
                          'a blank line before it)', start + index)
            in_math ^= reader.display_math(text) % 2 == 1

    def check_heading(self, node: Node) -> None:
        content = node.content()
        if node.token.markup in ('=', '-') and '\n' in content:
            count = content.count('\n') + 1
            self.warn(codes.LONG_SETEXT_HEADING, f'the line of {node.token.markup * 3} under these {count} '
                      f'lines makes all of them one heading ({_short(content)!r}); put a blank line '
                      f'before it for a rule', (node.token.map or [0])[0])

    def check_nesting(self, before: Node, node: Node) -> None:
        """A list right after a list item, indented more than its marker but less than its
        text: CommonMark (and pandoc) start a new list there, where the author meant a nested one."""
        if node.type not in ('bullet_list_open', 'ordered_list_open') or not node.children \
                or before.type not in ('bullet_list_open', 'ordered_list_open') or not before.children:
            return
        item, above = node.children[0].token.meta or {}, before.children[-1].token.meta or {}
        if 'column' not in item or 'column' not in above:
            return
        content = above['column'] + above.get('width', 2)
        if above['column'] < item['column'] < content:
            self.warn(codes.LIST_NOT_NESTED, f"this list is indented {item['column']} spaces, not enough to "
                      f"nest under the item above (its text starts {content} spaces in): it is read as a "
                      f'new list; indent it {content} spaces to nest it', item.get('line', 0))

    def check_html_as_code(self, before: Node, node: Node) -> None:
        """'<div>', a blank line, then HTML indented 4 spaces: Python-Markdown kept the element's
        HTML; CommonMark ends the HTML block at the blank line and shows the rest as code."""
        if node.type != 'code_block' or before.type != 'html_block':
            return
        opened = _OPENING_TAG.match(before.token.content)
        if opened is None or re.search(rf'</{opened.group(1)}\s*>', before.token.content, re.IGNORECASE):
            return
        if _HTML_START.match(node.token.content.lstrip()):
            self.warn(codes.HTML_AS_CODE, f'this HTML, indented 4 spaces inside <{opened.group(1)}>, is '
                      'shown as code (a blank line ends an HTML block; 4 spaces make code): take the '
                      'indentation off to keep it HTML', (node.token.map or [0])[0])

    # ------------------------------------------------------------ raw HTML

    def html_block(self, token: Token) -> list[str]:
        """Raw HTML as it is; an element with ``markdown="1"`` (or ``block``, ``span``),
        Python-Markdown's md_in_html, is built here with its content read as Markdown."""
        content = token.content
        tag = _MARKDOWN_TAG.match(content)
        attributes = dict(_html_attributes(tag.group('attrs'))) if tag else {}
        if tag is None or attributes.get('markdown', '').lower() not in ('1', 'block', 'span'):
            return [self.stash(content)]
        name = tag.group('name').lower()
        mode = attributes.pop('markdown', '1').lower()
        inner = content[tag.end():]
        closing = re.search(rf'</{re.escape(name)}\s*>\s*$', inner, re.IGNORECASE)
        if closing:
            inner = inner[:closing.start()]
        self.elements.append((name, attributes, mode == 'span'))
        first = (token.map or [0])[0] + content.count('\n', 0, tag.end())
        lines = self.nested(inner.strip('\n'), first)
        if not closing:  # the element goes on over the blocks that follow (CommonMark's
            return [self.stash(tag.group(0)), '', *lines]  # HTML block ends at a blank line)
        return self.container(opener('html', len(self.elements) - 1), [], lines)

    def nested(self, text: str, first_line: int) -> list[str]:
        """Markdown inside an HTML block, read like a file of its own."""
        writer = Writer(reader.parse(text), self.stash, self.offset + first_line, self.hidelines)
        writer.elements = self.elements
        lines = writer.write()
        self.problems += writer.problems
        for label, definition in writer.parsed.references.items():
            self.parsed.references.setdefault(label, definition)
        return lines

    # ------------------------------------------------------------ code

    def fence(self, token: Token) -> list[str]:
        start, end = token.map or [0, 0]
        if end - start == token.content.count('\n') + 1:  # no line left for a closing fence
            self.warn(codes.UNCLOSED_FENCE, f'a code fence ({token.markup}) that is never closed: '
                      'everything after it, to the end of the file (or of the list item or quote it '
                      f'is in), is code; close it with {token.markup} on a line of its own', start)
        info = code_blocks.read_info(token.info)
        if info.raw_format is not None:
            if code_blocks.is_html(info):
                return [self.stash(token.content)]
            self.warn(codes.RAW_FORMAT_DROPPED, f'a raw {info.raw_format} block is left out: only '
                      '{=html} means something in an EPUB, a PDF made from HTML and a web page',
                      (token.map or [0])[0])
            return []
        code = token.content
        if self.hidelines is not None:
            code = code_blocks.hide_lines(code, info, token.info, self.hidelines)
        return [self.stash(code_blocks.render_code(code, info))]


def table_lines(lines: list[str]) -> list[str]:
    """A pipe table's lines; a pandoc caption on the line right after the rows (``Table: ...``,
    ``: ...``), which GitHub's table syntax takes for a row, is its own block for table_captions."""
    lines = [line.lstrip(' ') for line in lines]
    if len(lines) > 2 and _TABLE_CAPTION.match(lines[-1]):
        return [*lines[:-1], '', lines[-1]]
    return lines


def tightness(node: Node, item_type: str) -> str:
    """'tight' when markdown-it hid the paragraphs of the items (no blank line between them)."""
    for item in node.children:
        if item.type != item_type:
            continue
        for child in item.children:
            if child.type == 'paragraph_open':
                return 'tight' if child.token.hidden else 'loose'
    return 'tight'


def indent(lines: list[str]) -> list[str]:
    return ['    ' + line if line else '' for line in lines]


def paragraph_lines(content: str) -> list[str]:
    """A paragraph's lines, each starting where Python-Markdown reads it as text; a line
    inside display math (``$$``) is indented 4 more instead (the math extension takes the
    common indentation off again, so the TeX keeps the author's own)."""
    out = []
    in_math = False
    for index, raw in enumerate(content.split('\n')):
        line = raw.lstrip(' \t')
        if in_math:
            out.append('    ' + raw)
        else:
            if raw != line and index:
                line = ' ' + line  # a line block's continuation starts with a space
            out.append(_escape_start(line, index))
        in_math ^= reader.display_math(raw) % 2 == 1
    return out


def _escape_start(line: str, index: int) -> str:
    stripped = line.lstrip(' ')
    lead = line[:len(line) - len(stripped)]
    # A fence line markdown-it left as text (a div nested past reader.MAX_LEVEL) stays text:
    # fenced_divs would open a div for it and count it, and each div it opened held a copy of
    # the rest of the file (5,000 '::: box' never closed: 177 MB).
    if _HASH.match(stripped) or _QUOTE.match(stripped) or _RULE.match(stripped) or (
            index and _UNDERLINE.match(stripped)) or OPEN_RE.match(stripped) or CLOSE_RE.match(stripped):
        return lead + '\\' + stripped
    if _ITEM.match(stripped):
        digits = _DIGITS_DOT.match(stripped)
        return lead + (f'{digits.group(1)}\\{stripped[len(digits.group(1)):]}' if digits else '\\' + stripped)
    return line


def _short(text: str, limit: int = 40) -> str:
    text = ' '.join(text.split())
    return text if len(text) <= limit else text[:limit] + '…'


def heading_line(level: int, content: str) -> str:
    """An ATX heading Python-Markdown reads as CommonMark did: one line, and no '#' at its
    end or backslash before the end taken for syntax (Python-Markdown drops trailing '#'s
    and reads no heading at all when the last character is a lone backslash)."""
    text = ' '.join(part.strip() for part in content.split('\n'))
    run = len(text) - len(text.rstrip('#'))
    body = text[:len(text) - run]
    backslashes = len(body) - len(body.rstrip('\\'))
    if run:  # escape each trailing '#' (the first already is after an odd run of backslashes)
        text = body + ('#' if backslashes % 2 else '\\#') + '\\#' * (run - 1)
    elif backslashes % 2:
        text += '\\'
    return '#' * level + ' ' + text
