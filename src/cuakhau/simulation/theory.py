"""Closed-form queueing results the engine is checked against."""

from __future__ import annotations

import math


def erlang_c_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue of M/M/c (Erlang C)."""
    load = arrival_rate / service_rate
    utilisation = load / servers
    if utilisation >= 1:
        return math.inf
    # Sum of load^k / k! computed term by term to stay finite for many servers.
    term, below = 1.0, 1.0
    for k in range(1, servers):
        term *= load / k
        below += term
    top = term * load / servers / (1 - utilisation)
    waiting_probability = top / (below + top)
    return waiting_probability / (servers * service_rate - arrival_rate)


def pollaczek_khinchine_wait(arrival_rate: float, mean_service: float, service_cv: float) -> float:
    """Mean wait in queue of M/G/1 (Pollaczek–Khinchine); cv 0 gives M/D/1."""
    utilisation = arrival_rate * mean_service
    if utilisation >= 1:
        return math.inf
    second_moment = mean_service**2 * (1 + service_cv**2)
    return arrival_rate * second_moment / (2 * (1 - utilisation))
