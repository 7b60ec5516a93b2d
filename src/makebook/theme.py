"""The default look: stylesheets from ``styles/`` and the book face.

The stylesheets live at the top of the repository (``styles/``) where authors
find them; an installed wheel carries them as ``makebook/styles``. The book
face is Source Serif Pro (SIL OFL 1.1) from the ``font-source-serif-pro``
package, which ships the font files and their licence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import font_source_serif_pro

from makebook import resources
from makebook.errors import BookError, error

FONT_FAMILY = 'Source Serif Pro'
# A serif stack for readers that ignore or override embedded fonts.
FONT_STACK = f"'{FONT_FAMILY}', 'Source Serif 4', Georgia, 'Times New Roman', serif"


@dataclass(frozen=True, slots=True)
class FontFile:
    path: Path
    weight: int
    style: str  # 'normal' | 'italic'


def styles_dir() -> Path:
    """The folder holding epub.css, print.css and web.css."""
    packaged = Path(__file__).with_name('styles')
    if (packaged / 'print.css').is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / 'styles'  # a source checkout


def stylesheet(name: str) -> str:
    """A theme stylesheet, checked: what it loads must be in the styles folder (resources.py)."""
    path = styles_dir() / name
    css = path.read_text(encoding='utf-8')
    problems = resources.stylesheet_problems(css, '', resources.Confinement.of([styles_dir()]))
    if problems:
        raise BookError(f'{path}: the stylesheet loads files from outside the theme',
                        [error(message, path, line) for message, line in problems])
    return css


def edition_stylesheet(name: str) -> str:
    """The rules every edition shares (content.css), then the edition's own ``name``."""
    return stylesheet('content.css') + '\n' + stylesheet(name)


def font_files() -> tuple[FontFile, ...]:
    folder = Path(font_source_serif_pro.font_directory)
    return (
        FontFile(folder / 'SourceSerifPro-Regular.ttf', 400, 'normal'),
        FontFile(folder / 'SourceSerifPro-It.ttf', 400, 'italic'),
        FontFile(folder / 'SourceSerifPro-Semibold.ttf', 600, 'normal'),
        FontFile(folder / 'SourceSerifPro-Bold.ttf', 700, 'normal'),
        FontFile(folder / 'SourceSerifPro-BoldIt.ttf', 700, 'italic'),
    )


def font_licence() -> Path:
    return Path(font_source_serif_pro.font_directory) / 'LICENSE.txt'


def font_face_css(url_for: Callable[[FontFile], str]) -> str:
    """@font-face rules for the book face, each ``src`` from ``url_for``."""
    rules = []
    for font in font_files():
        rules.append(
            '@font-face {\n'
            f"  font-family: '{FONT_FAMILY}';\n"
            f'  font-weight: {font.weight};\n'
            f'  font-style: {font.style};\n'
            f"  src: url('{url_for(font)}') format('truetype');\n"
            '}\n'
        )
    return ''.join(rules)
