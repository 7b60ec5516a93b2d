"""Markdown read as authors mean it: CommonMark's block structure under Python-Markdown.

Python-Markdown stays make-book's parser (every make-book extension is one of its
extensions), but the block structure of each file, the part where Python-Markdown and
CommonMark disagree most (lists nested by 2 or 3 spaces, fences in list items and
quotes, ``#1`` at the start of a line, ``---`` under a list item), is read by
markdown-it-py, a CommonMark implementation, and handed to Python-Markdown in a form it
cannot misread (writer.py). Manuscripts written for Python-Markdown, with 4-space
nesting, read the same either way; where CommonMark reads them differently and that
changes a book (a list marker left as text, a fence never closed, a heading that is
not one), the writer warns with the file and line.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from makebook.extensions import warn_at
from makebook.extensions.commonmark import containers, inline, reader
from makebook.extensions.commonmark.writer import ETX, STX, Writer


class CommonMarkBlocks(Preprocessor):
    """Whole file in, Python-Markdown's unambiguous text out (takes normalize_whitespace's place)."""

    def run(self, lines: list[str]) -> list[str]:
        text = '\n'.join(lines).replace(STX, '').replace(ETX, '')
        text = re.sub(r'\r\n?', '\n', text)
        hidelines = self.md.__dict__.get('makebook_hidelines')  # set for an mdBook's file
        writer = Writer(reader.parse(text), self.stash, hidelines=hidelines)
        out = writer.write()
        for label, definition in writer.parsed.references.items():
            # Python-Markdown's stubs say str; its link processors take None for no title.
            self.md.references[label] = (definition['href'], definition['title'] or None)  # type: ignore[assignment]
        self.md.__dict__['makebook_cm_elements'] = writer.elements
        for code, message, line in writer.problems:
            warn_at(self.md, code, message, line)
        return [*out, '', '']

    def stash(self, markup: str) -> str:
        return self.md.htmlStash.store(containers.BlockHtml(markup))


class CommonMarkExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors.

        | Class instance       | Registry        | Name                   | Priority |
        | -------------------- | --------------- | ---------------------- | :------: |
        | `CommonMarkBlocks`   | preprocessors   | `normalize_whitespace` | `30`     |
        | `ContainerProcessor` | blockprocessors | `cm_container`         | `110`    |
        | `TightTreeprocessor` | treeprocessors  | `cm_tight`             | `19`     |
        | `RawHtml`            | postprocessors  | `raw_html`             | `30`     |

        The preprocessor replaces Python-Markdown's whitespace normaliser (it does its
        work: STX/ETX removed, newlines normalised) and runs before every other
        preprocessor; Python-Markdown's raw-HTML block preprocessor and reference
        processor are removed (HTML blocks are stashed here, link reference definitions
        read here). The container processor runs before every block processor; the
        tight lists are unwrapped after 'inline' (20) and before 'attr_list' (8) and
        'figures' (7), so an image alone in a tight item is not a figure.
        """
        md.preprocessors.register(CommonMarkBlocks(md), 'normalize_whitespace', 30)
        for name in ('html_block',):
            if name in md.preprocessors:
                md.preprocessors.deregister(name)
        if 'reference' in md.parser.blockprocessors:
            md.parser.blockprocessors.deregister('reference')
        md.parser.blockprocessors.register(containers.ContainerProcessor(md.parser), 'cm_container', 110)
        md.treeprocessors.register(containers.TightTreeprocessor(md), 'cm_tight', 19)
        md.postprocessors.register(containers.RawHtml(md), 'raw_html', 30)
        inline.register(md)


def makeExtension(**kwargs: object) -> CommonMarkExtension:
    return CommonMarkExtension(**kwargs)
