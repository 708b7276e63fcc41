"""Bootstrap confidence intervals and the paired bootstrap test, resampling articles.

Each sample draws ``n`` articles with replacement (numpy ``default_rng(seed)``, multinomial
counts), sums their per-article counts and recomputes every score from the sums. A paired test
applies the *same* samples to two systems. Both are linear in the number of articles per
sample.

* Confidence interval: percentile interval, ``[q((1-c)/2), q((1+c)/2)]`` of the sample scores.
* p-value of the difference ``d = A - B``: two-sided, against the bootstrap distribution
  shifted to mean 0 (Berg-Kirkpatrick et al., 2012; Koehn, 2004):
  ``p = (#{b : |d_b - mean(d)| >= |d|} + 1) / (samples + 1)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

ScoreFn = Callable[[dict[str, float]], dict[str, float]]
CHUNK_CELLS = 4_000_000


def sample_weights(n: int, samples: int, seed: int) -> Iterator[np.ndarray]:
    """Chunks of resampling counts (rows: samples, columns: articles)."""
    rng = np.random.default_rng(seed)
    if n == 0:
        for _ in range(samples):
            yield np.zeros((1, 0))
        return
    pvals = np.full(n, 1.0 / n)
    chunk = max(1, min(samples, CHUNK_CELLS // max(n, 1)))
    done = 0
    while done < samples:
        k = min(chunk, samples - done)
        yield rng.multinomial(n, pvals, size=k).astype(np.float64)
        done += k


def sample_scores(matrices: Sequence[np.ndarray], keys: Sequence[str], score_fn: ScoreFn,
                  samples: int, seed: int) -> list[dict[str, np.ndarray]]:
    """Scores of every bootstrap sample, for each matrix (same samples for all)."""
    n = matrices[0].shape[0]
    per: list[dict[str, list[float]]] = [{} for _ in matrices]
    for w in sample_weights(n, samples, seed):
        for m, acc in zip(matrices, per):
            tot = w @ m if n else np.zeros((w.shape[0], m.shape[1]))
            for row in tot:
                s = score_fn({k: float(v) for k, v in zip(keys, row) if v})
                for k, v in s.items():
                    acc.setdefault(k, []).append(v)
    return [{k: np.asarray(v) for k, v in acc.items()} for acc in per]


def percentile_ci(values: np.ndarray, confidence: float) -> tuple[float, float]:
    lo, hi = np.percentile(values, [50 * (1 - confidence), 50 * (1 + confidence)])
    return float(lo), float(hi)


def paired_p_value(a: np.ndarray, b: np.ndarray, observed: float) -> float:
    d = a - b
    shifted = np.abs(d - d.mean())
    # a tolerance keeps float noise from deciding ties (e.g. identical systems: p = 1)
    c = int(np.sum(shifted >= abs(observed) - 1e-12))
    return (c + 1) / (len(d) + 1)
