"""The checking policy: classify an HTTP exchange, soft-404 probes, title matching, hosts and
their limits, and the engine that checks one batch of links through net/.
May import: domain, net, errors, settings. Never the database.
"""
