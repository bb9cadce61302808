"""Claim-to-source support: does a source text say what the claim says?

Pure: text in, verdict out. Splits a source into passages (`passages`), reads a claim's
checkable facts (`facts`, `dates`, `names`), finds the best passages with BM25 (`index`),
and decides `supported` / `partial` / `not-found` / `contradicted` / `unreadable`
(`check`). An embedding reranker (`rerank`) is optional. Imports only the domain layer.
"""

from provenance.support.check import check_claim, check_text
from provenance.support.index import SourceIndex

__all__ = ["SourceIndex", "check_claim", "check_text"]
