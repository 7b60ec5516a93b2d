"""Python-Markdown's footnotes, with back-link ids counted, not searched for.

Each citation of a note gets its own back-link id ('fnref-a', 'fnref2-a', 'fnref3-a'...).
Python-Markdown finds the next free one by trying 2, 3, 4... from the start every time:
one note cited 5,000 times took minutes. Here each note remembers how many citations it
has had and tries from there (the same ids; the search still steps past any id taken).
The list of notes in citation order gets a set beside it for the same reason.

A reference's label may not hold a '[' (as in pandoc): Python-Markdown's pattern read on from
every unclosed '[^' to the paragraph's end looking for a ']' (10,000 '[^x ' in one paragraph:
2.7 CPU s, quadratic); stopped at the next '[', each reads to the next '[^' only.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions.footnotes import RE_REF_ID, FootnoteExtension

# A note reference: '[^label]', the label holding no ']' nor '['.
REFERENCE_RE = r'\[\^([^\]\[]*)\]'


class LinearFootnoteExtension(FootnoteExtension):
    def extendMarkdown(self, md: Markdown) -> None:
        super().extendMarkdown(md)
        reference = md.inlinePatterns['footnote']
        reference.pattern = REFERENCE_RE
        reference.compiled_re = re.compile(REFERENCE_RE, re.DOTALL | re.UNICODE)

    def reset(self) -> None:
        super().reset()
        self._ordered: set[str] = set()

    def unique_ref(self, reference: str, found: bool = False) -> str:
        if not found:
            return reference
        original = reference
        earlier = self.found_refs.get(original, 0)
        if earlier and self.get_separator() in reference:
            ref, rest = reference.split(self.get_separator(), 1)
            numbered = RE_REF_ID.match(ref)
            base, number = (numbered.group(1), int(numbered.group(2))) if numbered else (ref, 1)
            reference = f'{base}{number + earlier}{self.get_separator()}{rest}'
        while reference in self.used_refs:  # Python-Markdown's own step
            ref, rest = reference.split(self.get_separator(), 1)
            numbered = RE_REF_ID.match(ref)
            if numbered:
                reference = f'{numbered.group(1)}{int(numbered.group(2)) + 1}{self.get_separator()}{rest}'
            else:
                reference = f'{ref}2{self.get_separator()}{rest}'
        self.used_refs.add(reference)
        self.found_refs[original] = earlier + 1
        return reference

    def addFootnoteRef(self, id: str) -> None:
        if id not in self._ordered:
            self._ordered.add(id)
            self.footnote_order.append(id)


def makeExtension(**kwargs: object) -> LinearFootnoteExtension:
    return LinearFootnoteExtension(**kwargs)
