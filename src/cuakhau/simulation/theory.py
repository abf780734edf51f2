"""Closed-form queueing results the engine is checked against."""

from __future__ import annotations

import math
from collections.abc import Callable


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


def mmck_blocking(arrival_rate: float, service_rate: float, servers: int, capacity: int) -> float:
    """M/M/c/K: the share of arrivals that find K in the system and are turned away."""
    weights = _birth_death(
        arrival_rate, lambda n: min(n, servers) * service_rate, states=capacity + 1
    )
    return weights[capacity] / sum(weights)


def erlang_a_abandonment(
    arrival_rate: float, service_rate: float, servers: int, patience_rate: float
) -> float:
    """M/M/c+M (Erlang A): the share of arrivals that give up before being served.

    Each waiting customer leaves at rate θ = `patience_rate` (exponential patience),
    so the number in the system is a birth-death chain with death rate
    min(n, c)·μ + max(n − c, 0)·θ. Abandonments per hour are θ·E[queue].
    """
    weights = _birth_death(
        arrival_rate,
        lambda n: min(n, servers) * service_rate + max(n - servers, 0) * patience_rate,
        states=servers + 1 + int(50 * arrival_rate / patience_rate) + 200,
    )
    total = sum(weights)
    queue = sum(max(n - servers, 0) * weight for n, weight in enumerate(weights)) / total
    return patience_rate * queue / arrival_rate


def _birth_death(birth: float, death: Callable[[int], float], states: int) -> list[float]:
    """Unnormalised stationary probabilities of states 0 … states − 1."""
    weights = [1.0]
    for n in range(1, states):
        weights.append(weights[-1] * birth / death(n))
    return weights
