"""make-book: one Markdown manuscript, three editions (EPUB 3, print PDF, web).

The pipeline, one package a stage, each a function from one immutable value
(:mod:`makebook.model`) to the next::

    source      path                  -> Manuscript   (files, front matter, Metadata via config)
    render      Manuscript            -> RenderedBook (XHTML chapters)
    checks      RenderedBook          -> diagnostics  (whole-book invariants)
    pdf / epub / web   RenderedBook   -> bytes / files, written atomically (safety.output)

``build.build`` runs them in that order; ``cli.main`` is the only place that
prints or chooses an exit code.
"""

__version__ = '0.1.0'
