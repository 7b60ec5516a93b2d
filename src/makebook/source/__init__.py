"""Stage 2: the manuscript folder read into a :class:`~makebook.model.Manuscript`.

* :mod:`~makebook.source.manuscript`: which files, their metadata, every problem in one run;
* :mod:`~makebook.source.layouts`: the project layouts authors use (a registry: chapters
  list, Quarto, mdBook, Leanpub, plain folder);
* :mod:`~makebook.source.includes`: mdBook's includes, with a map back to their lines;
* :mod:`~makebook.source.files`: one file's bytes to text and front matter.
"""

from makebook.source.manuscript import gather_manuscript, read_manuscript

__all__ = ['gather_manuscript', 'read_manuscript']
