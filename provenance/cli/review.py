"""Commands for reviewers: documents, review, accept, recheck, serve."""

from __future__ import annotations

import asyncio
import json
import sys

import click

from provenance.cli.context import AppContext
from provenance.cli.options import setting_option
from provenance.errors import UsageError

_BY = click.option("--by", default=None,
                   help="Who makes the change (default: the system user).")
_NOTE = click.option("--note", default=None, help="Why (kept with the change).")


@click.command()
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table",
              show_default=True, help="How to print the list.")
@click.pass_obj
def documents(app: AppContext, fmt: str) -> None:
    """List the stored documents: id, title, format, claims, references, gaps."""
    from provenance.services.review import list_documents

    rows = list_documents(app.database(app.settings()))
    if fmt == "json":
        click.echo(json.dumps({"documents": rows}, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    from provenance.report.safe_text import rich_text

    table = Table("id", "title", "format", "claims", "references", "gaps", box=None)
    for row in rows:
        table.add_row(str(row["id"]), rich_text(row["title"] or row["origin"]), row["format"],
                      str(row["claims"]), str(row["references"]), str(row["gaps"]))
    Console(soft_wrap=False).print(table)


@click.command()
@click.argument("document")
@click.argument("claim_id", type=int)
@click.argument("label")
@click.argument("verdict")
@_NOTE
@_BY
@click.pass_obj
def review(app: AppContext, document: str, claim_id: int, label: str, verdict: str,
           note: str | None, by: str | None) -> None:
    """Record a verdict on claim CLAIM_ID resting on reference LABEL: supports, partly,
    does-not-support or unsure (kept with who and when)."""
    from provenance.services.review import record_verdict

    done = record_verdict(app.database(app.settings()), document, claim_id, label, verdict,
                          note=note, reviewer=by)
    click.echo(f"claim {claim_id} [{done['label']}]: {done['verdict']} (by {done['by']})")


@click.command()
@click.argument("document")
@click.argument("claim_id", type=int)
@click.argument("flag")
@_NOTE
@_BY
@click.pass_obj
def accept(app: AppContext, document: str, claim_id: int, flag: str, note: str | None,
           by: str | None) -> None:
    """Accept flag FLAG of claim CLAIM_ID (e.g. an uncited sentence that needs no source):
    it leaves the counts and is listed as accepted, with who, when and why."""
    from provenance.services.review import accept_flag

    done = accept_flag(app.database(app.settings()), document, claim_id, flag, note=note,
                       reviewer=by)
    click.echo(f"claim {claim_id}: {done['flag']} accepted (by {done['by']})")


@click.command()
@click.argument("document")
@click.argument("label")
@setting_option("allow_private_addresses",
                help="Let the check reach loopback and private addresses.")
@_BY
@click.pass_obj
def recheck(app: AppContext, document: str, label: str, by: str | None) -> None:
    """Check the link of reference LABEL now and record it in the link's history."""
    from provenance.services.review import check_link_now

    settings = app.settings()
    done = asyncio.run(check_link_now(app.database(settings), settings, document, label,
                                      reviewer=by))
    status = f" HTTP {done['http_status']}" if done["http_status"] else ""
    click.echo(f"[{label}] {done['url']}: {done['outcome']}{status} -> {done['state']}")


def write_guard(host: str, token: str | None) -> tuple[str | None, list[str], bool]:
    """(the write token, the Host names served, whether the token was made up here): off
    loopback, writes always need a token and any Host name is served."""
    from provenance.web.app import LOOPBACK_NAMES
    from provenance.web.security import is_loopback, new_secret

    if token is not None and len(token) < 12:
        raise UsageError("--token must be at least 12 characters")
    if is_loopback(host):
        return token, [*LOOPBACK_NAMES, host], False
    return (token, ["*"], False) if token else (new_secret(), ["*"], True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@setting_option("serve_token", "--token", metavar="TOKEN")
@click.option("--reviewer", default=None, help="Default reviewer name (default: system user).")
@setting_option("allow_private_addresses",
                help="Let 'check link now' reach loopback and private addresses.")
@click.pass_obj
def serve(app: AppContext, host: str, port: int, reviewer: str | None) -> None:
    """Start the local review app (reports, verdicts, fixes) over the same database."""
    import uvicorn

    from provenance.services.review import reviewer_name
    from provenance.web.app import WebConfig, create_app

    settings = app.settings()
    token, hosts, made_up = write_guard(host, settings.serve_token or None)
    if made_up:
        click.echo(f"write token (sign in at /login): {token}", err=True)
    config = WebConfig(db=app.database(settings), settings=settings,
                       reviewer=reviewer_name(reviewer), token=token, allowed_hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"provenance review app on http://{shown}:{port}/ (Ctrl-C stops it)", err=True)
    sys.stderr.flush()
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning",
                server_header=False)
