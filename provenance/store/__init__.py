"""The database: models, migrations, and typed query functions per use. The only code that runs
SQL or holds a session. May import: domain, errors, settings.
"""
