"""Reading documents: form detection, decoding, and one parser per form (forms/), with the
wikitext machinery (wikitext/), reference-string parsing (references/) and claim splitting
(claims/). Pure: text in, domain.documents values out; fetch_url reads a URL through net/.
May import: domain, net, errors, settings.
"""
