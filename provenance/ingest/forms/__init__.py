"""One parser per document form (wikipedia-text, web-text, wikipedia-html, wikitext, web-html,
markdown): text in, a parsed document (domain.documents) out. Pure; may import domain, errors and
the other ingest subpackages.
"""
