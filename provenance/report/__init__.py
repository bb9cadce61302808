"""The claim-to-source report: a model built from store queries, flags, and one renderer per
format (table, markdown, json, html). Renderers are pure. May import: domain, store, errors.
"""
