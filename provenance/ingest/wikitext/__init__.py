"""The wikitext machinery: mwparserfromhell nodes, blocks, citation templates, vocabulary
(template and parameter names of several language editions). Pure.
"""
