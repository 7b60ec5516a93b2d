"""Stage 1: the book's metadata and settings, read from YAML and validated into typed values.

* :mod:`~makebook.config.metadata`: every metadata key, checked, into :class:`~makebook.model.Metadata`;
* :mod:`~makebook.config.print_settings`: the print edition's keys and the command line's overrides;
* :mod:`~makebook.config.trim`: trim sizes and lengths;
* :mod:`~makebook.config.language`: language tags and text direction;
* :mod:`~makebook.config.stylesheets`: the author's extra stylesheets;
* :mod:`~makebook.config.cover`: the author's cover image, checked;
* :mod:`~makebook.config.isbn`: ISBNs, check digit verified.

Every problem is collected and reported together, with the line of its key.
This package's ``__init__`` imports nothing, so the command line can read the
choices it offers (print_settings) without loading the pipeline.
"""
