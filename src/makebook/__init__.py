"""make-book: one Markdown manuscript, three editions (EPUB 3, print PDF, web).

The pipeline, one module a stage, each a function from one immutable value to
the next::

    config      BuildOptions + metadata mapping  -> BookConfig
    manuscript  path                              -> Manuscript   (files, front matter)
    render      Manuscript                        -> RenderedBook (XHTML chapters)
    check       RenderedBook                      -> diagnostics  (whole-book invariants)
    epub / pdf / html   RenderedBook              -> bytes / files, written atomically

``build.build`` runs them in that order; ``cli.main`` is the only place that
prints or chooses an exit code.
"""

__version__ = '0.1.0'
