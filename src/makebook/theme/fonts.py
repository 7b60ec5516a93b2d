"""The book face: Source Serif Pro (SIL OFL 1.1), from the ``font-source-serif-pro`` package,
which ships the font files and their licence."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import font_source_serif_pro

FONT_FAMILY = 'Source Serif Pro'


@dataclass(frozen=True, slots=True)
class FontFile:
    path: Path
    weight: int
    style: str  # 'normal' | 'italic'


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
