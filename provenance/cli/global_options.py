"""Global options (``--db``) accepted after the subcommand too: ``provenance report 1 --db
URL`` means ``provenance --db URL report 1``."""

from __future__ import annotations

from typing import Any

import click

# global options that take a value
GLOBAL_VALUE_OPTIONS = ("--db",)


def hoist(args: list[str]) -> list[str]:
    """``args`` with every global option (and its value) moved in front; nothing after a
    ``--`` is touched."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in GLOBAL_VALUE_OPTIONS and i + 1 < len(args):
            front += args[i:i + 2]
            i += 2
            continue
        if arg.startswith(tuple(f"{o}=" for o in GLOBAL_VALUE_OPTIONS)):
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


class GlobalOptionsGroup(click.Group):
    """A click group that reads its own options wherever they stand on the line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> Any:
        return super().parse_args(ctx, hoist(list(args)))
