"""The default look: the stylesheets in ``styles/`` and the faces a book is set in.

* this module: the theme's stylesheets, checked like any other;
* :mod:`~makebook.theme.fonts`: the book face, Source Serif Pro;
* :mod:`~makebook.theme.faces`: a face per script, and which a book needs (worked out once).

The stylesheets live at the top of the repository (``styles/``) where authors
find them; an installed wheel carries them as ``makebook/styles``.
"""

from __future__ import annotations

from pathlib import Path

from makebook import codes
from makebook.errors import BookError
from makebook.safety import resources


def styles_dir() -> Path:
    """The folder holding epub.css, print.css and web.css."""
    packaged = Path(__file__).resolve().parent.parent / 'styles'
    if (packaged / 'print.css').is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / 'styles'  # a source checkout


def stylesheet(name: str) -> str:
    """A theme stylesheet, checked: what it loads must be in the styles folder (safety/resources.py)."""
    path = styles_dir() / name
    css = path.read_text(encoding='utf-8')
    problems = resources.stylesheet_problems(css, '', resources.Confinement.of([styles_dir()]))
    if problems:
        raise BookError(f'{path}: the stylesheet loads files from outside the theme',
                        [codes.THEME_LOADS_OUTSIDE(message, path, line) for message, line in problems])
    return css


def edition_stylesheet(name: str) -> str:
    """The rules every edition shares (content.css), then the edition's own ``name``."""
    return stylesheet('content.css') + '\n' + stylesheet(name)
