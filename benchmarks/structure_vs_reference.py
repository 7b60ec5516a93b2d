"""A real book's block structure, file by file: make-book beside a reference reader.

    python benchmarks/structure_vs_reference.py MANUSCRIPT [--reader commonmark|pandoc]

Reads the manuscript as a build does (layout, includes, front matter), converts every file
with ``render.convert.convert_file`` and with the reference: markdown-it-py's CommonMark
(with tables; what mdBook, GitHub and Leanpub-in-CommonMark authors see) or pandoc's own
Markdown reader (``pandoc -f markdown``, pandoc 2.17 here). Prints each file whose count of
headings (h1-h6), lists, items, code blocks, quotes, tables, rules or definition lists
differs, then the number of files that differ. Pandoc's footnote section is left out (make-book
places notes itself). Asserts nothing: it prints figures, for the closing note of issue 12.
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
from pathlib import Path

from lxml import etree, html
from markdown_it import MarkdownIt

from makebook.render.convert import convert_file
from makebook.source import read_manuscript

BLOCKS = ('h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'pre', 'blockquote', 'table', 'hr', 'dl')
_PANDOC_NOTES = re.compile(r'<section class="footnotes.*?</section>|<hr />\s*<ol>\s*<li id="fn1".*', re.S)


def counts(root: etree._Element) -> collections.Counter[str]:
    found: collections.Counter[str] = collections.Counter()
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in BLOCKS:
            found[etree.QName(element).localname] += 1
    return found


def reference(markdown: str, reader: str) -> collections.Counter[str]:
    if reader == 'pandoc':
        out = subprocess.run(['pandoc', '-f', 'markdown', '-t', 'html'], input=markdown, check=True,
                             capture_output=True, text=True).stdout
        out = _PANDOC_NOTES.sub('', out)
    else:
        out = MarkdownIt('commonmark').enable('table').render(markdown)
    return counts(html.fromstring(f'<div>{out}</div>'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('manuscript', type=Path)
    parser.add_argument('--reader', choices=('commonmark', 'pandoc'), default='commonmark')
    args = parser.parse_args()
    files = read_manuscript(args.manuscript).files
    differing = blocks = 0
    for source in files:
        ours, theirs = counts(convert_file(source).body), reference(source.markdown, args.reader)
        blocks += sum(ours.values())
        diff = {tag: (ours[tag], theirs[tag]) for tag in BLOCKS if ours[tag] != theirs[tag]}
        if diff:
            differing += 1
            print(f'{source.name}: ' + ', '.join(f'{tag} {a} vs {b}' for tag, (a, b) in diff.items()))
    print(f'{len(files)} files, {blocks} blocks: {differing} files differ from {args.reader} '
          '(make-book vs reference)')


if __name__ == '__main__':
    main()
