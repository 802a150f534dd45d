"""Replications over a posterior: which particle's parameters each replication runs with.

Replications come in blocks of ``calibration.replications_per_draw`` (M): block
``k = replication // M`` runs with particle ``j``, drawn with the particles' weights by a
uniform hashed from ``(seed, k)`` alone (:func:`block_uniform`). The draw depends on
nothing else (not on the number of replications, workers, the scheduler or the order in
which replications run), so two scenarios with the same seed and posterior (a policy
that extends the calibrated baseline inherits its posterior) run replication ``r`` with
the same particle: paired, with common random numbers as without a posterior.

A particle's scenario is the scenario with the particle's values set at its keys
(:func:`sim.config.parameters.apply_parameters`), validated once and kept
(:func:`replication_scenarios`); it has no posterior itself.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Final

from sim.config.errors import Problem, ScenarioError
from sim.config.loader import plain_data, validate_data
from sim.config.parameters import apply_parameters
from sim.config.posterior import Posterior
from sim.config.schema import Scenario
from sim.model.random_numbers import entity_key, hashed_uniform, stable_hash

DRAW: Final = stable_hash("posterior particle")
"""The name the particle draws are hashed under (apart from every stream of the model)."""


def block_uniform(seed: int, block: int) -> float:
    """The uniform in [0, 1) that picks block ``block``'s particle under ``seed``."""
    return hashed_uniform(entity_key(seed, block, DRAW, 0), 0, 0)


def particle_of(posterior: Posterior, seed: int, replication: int, per_draw: int) -> int:
    """The particle replication ``replication`` runs with."""
    return posterior.pick(block_uniform(seed, replication // per_draw))


def particle_scenario(scenario: Scenario, posterior: Posterior, index: int) -> Scenario:
    """``scenario`` with particle ``index``'s values set (and no posterior of its own)."""
    data = plain_data(scenario)
    data.pop("calibration", None)
    data = apply_parameters(data, posterior.particle(index))
    try:
        return validate_data(data, f"<{scenario.name}, particle {index}>", room=False)
    except ScenarioError as error:
        where = f"{posterior.file}, particle {index}"
        raise ScenarioError(
            [Problem(where, p.key, f"{p.message} (the particle's value)") for p in error.problems]
        ) from None


def without_posterior(scenario: Scenario) -> Scenario:
    """``scenario`` at its own (fixed) values: its posterior left out."""
    if scenario.calibration is None:
        return scenario
    data = plain_data(scenario)
    data.pop("calibration", None)
    return validate_data(data, f"<{scenario.name}>", room=False)


MAX_KEPT: Final = 8
"""Scenarios whose particle scenarios this process keeps (the latest ones run)."""
_KEPT: OrderedDict[int, tuple[Scenario, dict[int, Scenario]]] = OrderedDict()


def replication_scenarios(scenario: Scenario, replications: range) -> list[Scenario]:
    """The scenario each replication runs: ``scenario`` itself without a posterior, else
    its particle's scenario, each made once per process and kept."""
    posterior = scenario.posterior
    if posterior is None:
        return [scenario] * len(replications)
    kept = _KEPT.get(id(scenario))
    if kept is None or kept[0] is not scenario:
        kept = (scenario, {})
        _KEPT[id(scenario)] = kept
        while len(_KEPT) > MAX_KEPT:
            _KEPT.popitem(last=False)
    _KEPT.move_to_end(id(scenario))
    made = kept[1]
    chosen = []
    for replication in replications:
        index = particle_of(posterior, scenario.seed, replication, scenario.replications_per_draw)
        if index not in made:
            made[index] = particle_scenario(scenario, posterior, index)
        chosen.append(made[index])
    return chosen
