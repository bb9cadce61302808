"""Command-line edge: parse flags, build Settings, call one use-case function, render, exit.

Each command group lives in its own module; ``COMMANDS`` below names where each command is
(``module:attribute``), and the top group imports a command's module only when that command
runs or is listed (``provenance --help``), giving it the global options ``--db`` and
``--debug`` then. This module also turns every error into one line on stderr and its exit
code (``provenance.errors``: 2 for a ProvenanceError, 70 for anything unexpected).
"""

from __future__ import annotations

import atexit
import gc
import sys
import traceback
from typing import NoReturn

import click

from provenance import __version__
from provenance.cli.context import AppContext
from provenance.cli.options import Provenance, add_global_options
from provenance.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    ProvenanceError,
    redact,
)

# Every command: its name -> "module:attribute" under provenance.cli (imported on first use).
COMMANDS: dict[str, str] = {
    "ingest": "documents:ingest", "report": "documents:report", "cite": "documents:cite",
    "ref": "documents:ref_command",
    "check": "check:check", "changes": "check:changes", "worker": "check:worker",
    "status": "check:status", "db": "check:db",
    "archive": "archive:archive", "fix": "archive:fix",
    "documents": "review:documents", "review": "review:review", "accept": "review:accept",
    "recheck": "review:recheck", "serve": "review:serve",
    "verify": "verify:verify",
}


@click.group(cls=Provenance, lazy_commands=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="provenance")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Track which claims in your documents still rest on a live, archived, matching source."""
    ctx.ensure_object(AppContext)


add_global_options(cli)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"provenance: {redact(message)}", err=True)
    sys.exit(code)


def main() -> None:
    """Console entry point: one readable line and its exit code for any error."""
    app = AppContext()
    try:
        _run(app)
    finally:
        app.close()
        _no_collection_at_exit()


def _no_collection_at_exit() -> None:
    """Leave what is left at exit to the operating system: ``gc.freeze()`` (run at exit, so a
    process calling ``main`` more than once, as the tests do, keeps collecting until then)
    spares the interpreter's teardown from walking every object of sqlalchemy, pydantic and
    the rest for cycles, about 0.1 s of each command. Nothing relies on that walk: the store's
    connections are closed by then (``AppContext.close``), files by their ``with`` blocks."""
    atexit.unregister(gc.freeze)  # once, however often main runs
    atexit.register(gc.freeze)


def _run(app: AppContext) -> NoReturn:
    try:
        code = cli.main(standalone_mode=False, prog_name="provenance", obj=app)
    except ProvenanceError as err:
        _fail(f"error: {err}", err.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except click.Abort:
        _fail("aborted", EXIT_INTERRUPTED)
    except click.ClickException as err:
        err.show()
        sys.exit(EXIT_USAGE if err.exit_code == 1 else err.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except Exception as err:  # noqa: BLE001 - the edge: one line and exit 70
        if app.debug:
            click.echo(redact(traceback.format_exc()), err=True, nl=False)
        detail = (str(err).strip().splitlines() or [""])[0]
        hint = "" if app.debug else " (run again with --debug for the traceback)"
        _fail(f"internal error: {type(err).__name__}: {detail}{hint}", EXIT_INTERNAL)
    # ctx.exit(n) inside a command returns n here (standalone_mode=False)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
