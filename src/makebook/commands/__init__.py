"""The make-book commands, one module each: ``build``, ``new``, ``check``, ``stats``, ``watch``,
``serve``, ``clean``, ``completion``.

Each module holds a :class:`~makebook.commands.common.Command`: its help, its
arguments and its ``run(args) -> exit status``. They are thin: the work is in
``build.py`` and the stages. Every module here is light to import (the command
line builds its parser from all of them on each start); each imports the
pipeline, and libraries such as rich, watchfiles or aiohttp, only when it runs.
"""

from __future__ import annotations

from makebook.commands import build, check, clean, completion, new, serve, stats, watch
from makebook.commands.common import Command

COMMANDS: tuple[Command, ...] = (build.COMMAND, new.COMMAND, check.COMMAND, stats.COMMAND, watch.COMMAND,
                                serve.COMMAND, clean.COMMAND, completion.COMMAND)

__all__ = ['COMMANDS', 'Command']
