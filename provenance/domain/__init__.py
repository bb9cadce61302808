"""The domain core: value types and pure rules every layer shares.

Outcomes, link states, archive states and run statuses; parsed documents and references; the
link state machine, the re-check schedule and the snapshot choice. Imports nothing of the
project (not even settings or errors): everything else may import it.
"""
