"""provenance: track which claims in a document still rest on a live, archived, matching source."""

__version__ = "0.1.0"
