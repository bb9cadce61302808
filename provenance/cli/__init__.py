"""Command-line edge: parse flags, build Settings, call one use-case function, render, exit.

Each command group lives in its own module and exposes ``COMMANDS`` (click commands); this
module adds the global options and turns ProvenanceError into one line on stderr + exit code.
"""

from __future__ import annotations

import sys

import click

from provenance import __version__
from provenance.cli import archive as archive_cmds
from provenance.cli import check as check_cmds
from provenance.cli import documents as document_cmds
from provenance.cli import review as review_cmds
from provenance.cli import verify as verify_cmds
from provenance.cli.context import AppContext
from provenance.cli.global_options import GlobalOptionsGroup
from provenance.errors import UNEXPECTED_EXIT_CODE, ProvenanceError


@click.group(cls=GlobalOptionsGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", "db_url", envvar="PROVENANCE_DB_URL", default=None, metavar="URL",
              help="Database URL (env PROVENANCE_DB_URL). Default: sqlite:///provenance.db in "
              "the working directory; PostgreSQL as postgresql+psycopg://user@host/db.")
@click.version_option(__version__, prog_name="provenance")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """Track which claims in your documents still rest on a live, archived, matching source."""
    ctx.obj = AppContext(db_url=db_url)


for _module in (document_cmds, check_cmds, archive_cmds, review_cmds, verify_cmds):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Console entry point: one readable line and a non-zero exit code for any user error."""
    try:
        code = cli.main(standalone_mode=False, prog_name="provenance")
    except ProvenanceError as err:
        click.echo(f"provenance: error: {err}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except click.Abort:
        click.echo("provenance: aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(2 if err.exit_code == 1 else err.exit_code)
    except KeyboardInterrupt:
        click.echo("provenance: interrupted", err=True)
        sys.exit(130)
    except Exception as err:
        first = (str(err).strip().splitlines() or [""])[0][:300]
        click.echo(f"provenance: unexpected error: {type(err).__name__}: {first} (a bug, or a "
                   "damaged database)", err=True)
        sys.exit(UNEXPECTED_EXIT_CODE)
    # ctx.exit(n) inside a command returns n here (standalone_mode=False)
    sys.exit(code if isinstance(code, int) else 0)
