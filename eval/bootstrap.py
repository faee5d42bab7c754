"""Seeded bootstrap statistics over per-document scores (pure functions of their inputs).

``rouge-score``'s ``BootstrapAggregator`` draws from NumPy's global random state and keeps no
per-document data, so it can neither be seeded per call nor paired; these helpers use a NumPy
``Generator`` built from the given seed, so the same scores and seed always give the same
interval, whatever the order in which the scores were computed (callers pass them in data set
order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Defaults: resamples and confidence level of the intervals.
DEFAULT_SAMPLES = 1000
DEFAULT_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """A mean with its percentile bootstrap confidence interval."""

    mean: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        """``{"mean", "low", "high"}``."""
        return {"mean": self.mean, "low": self.low, "high": self.high}


@dataclass(frozen=True)
class PairedTest:
    """A paired comparison: mean of ``a - b``, its interval, and a two-sided p-value."""

    difference: float
    low: float
    high: float
    p_value: float
    documents: int


def _indices(n: int, samples: int, seed: int) -> np.ndarray:
    if n <= 0:
        raise ValueError("the bootstrap needs at least one value")
    if samples < 1:
        raise ValueError("samples must be at least 1")
    return np.random.default_rng(seed).integers(0, n, size=(samples, n))


def _check_confidence(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return (1 - confidence) / 2 * 100


def bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    *,
    seed: int = 0,
    samples: int = DEFAULT_SAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Interval:
    """Mean of ``values`` and its percentile bootstrap interval.

    Raises:
        ValueError: no values, fewer than one sample, or a confidence outside (0, 1).
    """
    data = np.asarray(values, dtype=float)
    tail = _check_confidence(confidence)
    means = data[_indices(len(data), samples, seed)].mean(axis=1)
    low, high = np.percentile(means, [tail, 100 - tail])
    return Interval(float(data.mean()), float(low), float(high))


def paired_bootstrap(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    *,
    seed: int = 0,
    samples: int = DEFAULT_SAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
) -> PairedTest:
    """Paired bootstrap test of ``mean(a) - mean(b)`` over the same documents.

    Documents are resampled with replacement; the p-value is two-sided under the null of no
    difference, estimated by centring the resampled differences on zero (Efron & Tibshirani
    1993, §16.4): ``p = (1 + #{|d* - d| >= |d|}) / (1 + samples)``.

    Raises:
        ValueError: ``a`` and ``b`` of different lengths or empty, or bad samples/confidence.
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"paired scores must have the same length ({len(x)} and {len(y)})")
    tail = _check_confidence(confidence)
    diff = x - y
    observed = float(diff.mean())
    resampled = diff[_indices(len(diff), samples, seed)].mean(axis=1)
    low, high = np.percentile(resampled, [tail, 100 - tail])
    extreme = int(np.sum(np.abs(resampled - observed) >= abs(observed) - 1e-12))
    return PairedTest(observed, float(low), float(high), (1 + extreme) / (1 + samples), len(diff))
