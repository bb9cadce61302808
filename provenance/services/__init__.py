"""Use cases the CLI and the web app both call: ingest, check, archive, report, edit.

Each function takes settings and plain values, calls the layers below and returns values; the
callers render and pick exit codes. May import every layer below it, never cli/ or a web app.
"""
