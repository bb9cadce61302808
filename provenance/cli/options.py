"""Click options generated from the settings declarations, and the global options.

``setting_option("per_host")`` is the flag ``--per-host`` with the type, help and default of
the setting ``per_host`` and its environment variable named in the help. The flag does not
read the environment itself: every value, flag or variable, reaches the one ``Settings``
through ``load_settings`` (defaults < ``PROVENANCE_*`` < flags). A given flag is recorded in
the ``AppContext``; commands ask it for their settings.

The global options (``--db``, ``--debug``) are added to the group and to every command, so
``provenance --db URL report 1`` and ``provenance report 1 --db URL`` mean the same.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import click

from provenance.cli.context import AppContext
from provenance.settings import declaration, env_name, setting_type

F = TypeVar("F", bound=Callable[..., Any])

_METAVARS = {int: "N", float: "NUMBER", str: "TEXT"}


def _app(ctx: click.Context) -> AppContext:
    app = ctx.find_object(AppContext)
    if app is None:  # a command invoked on its own (tests): give it a context of its own
        app = ctx.ensure_object(AppContext)
    return app


def _record(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value is not None:
            _app(ctx).overrides[name] = value
    return callback


def setting_help(name: str, text: str | None = None) -> str:
    """The help of a setting's flag: its declared help, environment variable and default."""
    spec = declaration(name)
    default = spec.default
    shown = ("on" if default else "off") if isinstance(default, bool) else (
        repr(default) if default == "" else default)
    return f"{text or spec.metadata['help']} [env {env_name(name)}; default: {shown}]"


def _setting_param(name: str, flags: tuple[str, ...], metavar: str | None,
                   help: str | None) -> tuple[list[str], dict[str, Any]]:
    kind = setting_type(name)
    decls = list(flags) or ["--" + name.replace("_", "-")]
    common: dict[str, Any] = {"default": None, "expose_value": False,
                              "callback": _record(name), "help": setting_help(name, help)}
    if kind is bool:  # --flag/--no-flag: None when neither is given
        return [f"{decls[0]}/--no-{decls[0].removeprefix('--')}", name], common
    return [*decls, name], {**common, "type": kind, "metavar": metavar or _METAVARS[kind]}


def setting_option(name: str, *flags: str, metavar: str | None = None,
                   help: str | None = None) -> Callable[[F], F]:
    """The flag of setting ``name`` (``--name-with-dashes`` unless ``flags`` are given)."""
    decls, kwargs = _setting_param(name, flags, metavar, help)
    return click.option(*decls, **kwargs)


def _record_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        _app(ctx).debug = True


def global_options() -> list[click.Option]:
    """Fresh copies of the options every command accepts, before or after its name."""
    decls, kwargs = _setting_param("db_url", ("--db",), "URL", None)
    return [click.Option(decls, **kwargs),
            click.Option(["--debug"], is_flag=True, default=False, expose_value=False,
                         callback=_record_debug,
                         help="On an unexpected error, also print the traceback.")]


def add_global_options(command: click.Command) -> None:
    """Give ``command`` (and every command under it, if a group) the global options."""
    if not any(p.name == "db_url" for p in command.params):
        command.params.extend(global_options())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            add_global_options(sub)


class Provenance(click.Group):
    """The top group: the global options go to every command added to it.

    ``lazy_commands`` maps a command's name to ``"module:attribute"`` under
    ``provenance.cli``: the module is imported (and the command added) the first time the
    command is asked for, so one command does not import every other command's dependencies.
    """

    def __init__(self, *args: Any, lazy_commands: dict[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        add_global_options(cmd)
        super().add_command(cmd, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            module, _, attr = self.lazy_commands[cmd_name].partition(":")
            command = getattr(importlib.import_module(f"provenance.cli.{module}"), attr)
            if not isinstance(command, click.Command):
                raise TypeError(f"provenance.cli.{module}.{attr} is not a click command")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as err:
            # click >= 8.4 suggests close names from the commands loaded so far: offer all
            name = getattr(err, "command_name", None)
            if name is None:
                raise
            raise click.exceptions.NoSuchCommand(
                name, possibilities=self.list_commands(ctx), ctx=ctx) from None
