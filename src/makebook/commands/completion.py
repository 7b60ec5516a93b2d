"""``make-book completion SHELL``: tab completion for bash, zsh and fish, from argcomplete.

The script it prints asks ``make-book`` itself for completions (argcomplete
calls it with ``_ARGCOMPLETE`` set; :func:`makebook.cli.main` answers before
anything else), so commands and options always match the installed version.
"""

from __future__ import annotations

import argparse

from makebook.commands.common import Command

SHELLS = ('bash', 'zsh', 'fish')
HOW = """\
bash:  eval "$(make-book completion bash)"      (in ~/.bashrc)
zsh:   eval "$(make-book completion zsh)"       (in ~/.zshrc)
fish:  make-book completion fish | source       (in ~/.config/fish/config.fish)
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('shell', choices=SHELLS, help='the shell to complete in')


def run(args: argparse.Namespace) -> int:
    from argcomplete.shell_integration import shellcode

    print(shellcode(['make-book'], shell=args.shell), end='')
    return 0


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer a completion request from the shell script (exits), when this run is one."""
    import argcomplete

    argcomplete.autocomplete(parser)


COMMAND = Command(
    name='completion', run=run, add_arguments=add_arguments,
    help='print a tab-completion script for bash, zsh or fish',
    description='Print the shell code that makes Tab complete make-book\'s commands, options and '
                'paths. Load it from your shell\'s start-up file:', epilog=HOW)
