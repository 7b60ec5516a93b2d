"""What keeps an untrusted manuscript from reaching anything it should not.

* :mod:`~makebook.safety.resources`: the one resolver deciding which files a build may read;
* :mod:`~makebook.safety.sanitize`: raw HTML cut down to an allowlist (nh3);
* :mod:`~makebook.safety.xmlchars`: characters XML cannot hold, and a parser that loads nothing;
* :mod:`~makebook.safety.images`: raster images measured before any decoder sees them;
* :mod:`~makebook.safety.remote`: downloads, only when asked, bounded and pinned;
* :mod:`~makebook.safety.limits`: time and memory bounds for a stage that may run away;
* :mod:`~makebook.safety.output`: outputs written atomically, so a failed build loses nothing.
"""
