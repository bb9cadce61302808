"""Run control of the nightly check: runner, helper processes, workers, leases, changes.

Drives check/ over the links store/ hands out and records results through store/. May import:
domain, net, check, store, errors, settings.
"""
