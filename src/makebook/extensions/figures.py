"""Pandoc's implicit figures: an image alone in a paragraph is a figure.

The caption is the alt text (or, if there is none, the title); an id on the
image (``![Map](map.png){#fig-map}``) moves to the figure, so links and
``@fig-map`` land on the whole figure.

Pandoc's ``{width=50%}`` / ``{height=3in}`` on any image become a ``style``, as
pandoc's HTML writer does: HTML's width and height attributes hold whole
pixels only (EPUBCheck rejects ``width="50%"``).
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


def _alone(paragraph: ET.Element) -> ET.Element | None:
    """The paragraph's image, if it holds nothing else."""
    if len(paragraph) != 1 or (paragraph.text or '').strip():
        return None
    image = paragraph[0]
    if image.tag != 'img' or (image.tail or '').strip():
        return None
    return image


_PIXELS = re.compile(r'(\d+)(?:px)?')
_LENGTH = re.compile(r'\d+(\.\d+)?(%|px|em|rem|ex|ch|in|cm|mm|pt|pc|vw|vh)')


def _dimensions(image: ET.Element) -> None:
    """width/height: whole pixels stay attributes; other lengths move to the style;
    anything else is not a length and is dropped."""
    styles = []
    for name in ('width', 'height'):
        value = (image.get(name) or '').strip()
        if not value:
            continue
        pixels = _PIXELS.fullmatch(value)
        if pixels:
            image.set(name, pixels.group(1))
            continue
        del image.attrib[name]
        if _LENGTH.fullmatch(value):
            styles.append(f'{name}: {value}')
    if styles:
        image.set('style', '; '.join(filter(None, [image.get('style', '').strip(' ;'), *styles])))


def _caption(figcaption: ET.Element, image: ET.Element, caption: str) -> None:
    """The caption: the image's description as Markdown made it (``![A *big* cat]`` keeps
    its emphasis; the commonmark extension leaves it on the image), else its alt or title."""
    if (image.text or len(image)) and image.get('alt'):
        figcaption.text = (image.text or '').lstrip()
        for child in image:
            figcaption.append(copy.deepcopy(child))
        if len(figcaption):
            figcaption[-1].tail = (figcaption[-1].tail or '').rstrip() or None
        else:
            figcaption.text = figcaption.text.rstrip()
    else:
        figcaption.text = caption.strip()


class FigureTreeprocessor(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for img in root.iter('img'):
            _dimensions(img)
        for parent in root.iter():
            for index, paragraph in enumerate(list(parent)):
                if paragraph.tag != 'p':
                    continue
                image = _alone(paragraph)
                if image is None:
                    continue
                caption = image.get('alt') or image.get('title')
                if not caption or not caption.strip():
                    continue
                figure = ET.Element('figure')
                if image.get('id'):
                    figure.set('id', image.attrib.pop('id'))
                image.tail = None
                figure.append(image)
                _caption(ET.SubElement(figure, 'figcaption'), image, caption)
                figure.tail = paragraph.tail
                # In its place by index: remove() looks for the paragraph among all its
                # siblings (20,000 figures in one chapter: quadratic, 3.7 of 13 CPU s).
                parent[index] = figure


class FigureExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the tree processor.

        | Class instance        | Registry       | Name      | Priority |
        | --------------------- | -------------- | --------- | :------: |
        | `FigureTreeprocessor` | treeprocessors | `figures` | `7`      |

        After 'inline' (20), which makes the images, and 'attr_list' (8),
        which gives them their ids.
        """
        md.treeprocessors.register(FigureTreeprocessor(md), 'figures', 7)


def makeExtension(**kwargs: object) -> FigureExtension:
    return FigureExtension(**kwargs)
