"""HTTP for every part that fetches: connections, transport, SSRF safety, capped bodies, fetch.

Shared by the link checker, ingest-by-URL and the archive client. One request path whose lowest
layer (the connections) is injectable. May import: domain, errors, settings.
"""
