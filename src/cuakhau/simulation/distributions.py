"""Drawing service times, many at once, from the distributions a scenario may name."""

from __future__ import annotations

import math

import numpy as np

from cuakhau.simulation.scenario import (
    Deterministic,
    Exponential,
    Gamma,
    Lognormal,
    ServiceTime,
    Triangular,
    Uniform,
)


def draw(service: ServiceTime, rng: np.random.Generator, count: int) -> np.ndarray:
    """`count` service times in hours."""
    match service:
        case Exponential(mean_hours=mean):
            return rng.exponential(mean, count)
        case Deterministic(mean_hours=mean):
            return np.full(count, float(mean))
        case Lognormal(mean_hours=mean, cv=cv):
            sigma2 = math.log1p(cv * cv)
            return rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), count)
        case Gamma(mean_hours=mean, cv=cv):
            shape = 1 / (cv * cv)
            return rng.gamma(shape, mean / shape, count)
        case Uniform(low_hours=low, high_hours=high):
            return rng.uniform(low, high, count)
        case Triangular(low_hours=low, mode_hours=mode, high_hours=high):
            return rng.triangular(low, mode, high, count)
    raise TypeError(service)
