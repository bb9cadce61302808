"""The local review app: Starlette + Jinja2 over the same database and services as the CLI.

May import: services, report (model and HTML pieces), store (through services), errors,
settings. Nothing below it imports it.
"""
