"""The Wayback Machine: CDX/availability client, rate limits, snapshot lookups, Save Page Now
queue and fixing dead citations with archives. May import: domain, net, store, errors, settings.
"""
