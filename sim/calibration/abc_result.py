"""What a Bayesian fit found: the weighted particles, each parameter's prior against its
posterior (with the contraction that says how far the counts identify it), the
generations, and the posterior predictive check; and its result folder."""

from __future__ import annotations

import math
import os
import shutil
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.output import atomic_folder
from sim.analysis.statistics import weighted_moments, weighted_quantiles
from sim.calibration.abc import run_abc
from sim.calibration.engine import _replication_values, fit_table, target_keys
from sim.calibration.likelihood import Likelihood, terms_of
from sim.calibration.priors import describe
from sim.calibration.result import fit_figure, write_calibration_manifest
from sim.calibration.spec import Calibration, fit_scenario
from sim.runner.pool import Jobs, pool_for, scheduler_of

# contraction (1 - posterior variance / prior variance) from which a parameter counts as
# pinned down, identified, weakly identified; below the last: not identified
VERDICTS = ((0.9, "pinned down"), (0.5, "identified"), (0.2, "weakly identified"))
NOT_IDENTIFIED = "not identified by these targets"


def verdict(contraction: float) -> str:
    for limit, words in VERDICTS:
        if contraction >= limit:
            return words
    return NOT_IDENTIFIED


@dataclass
class AbcResult:
    calibration: Calibration
    posterior: pd.DataFrame  # particle, weight, one column per parameter
    parameters: pd.DataFrame  # prior against posterior per parameter
    generations: pd.DataFrame  # temperature, candidates, acceptance rate, ESS per generation
    predictive: pd.DataFrame  # the posterior predictive check per target (fit.csv's columns)
    database: Path  # pyabc's history (SQLite), moved into the result folder
    started: float = 0.0
    finished: float = 0.0
    wall_seconds: float = 0.0
    scheduler: str | None = None

    @property
    def table(self) -> pd.DataFrame:
        return self.parameters

    @property
    def final_temperature(self) -> float:
        return float(self.generations.temperature.iloc[-1])

    def coverage(self) -> tuple[int, int]:
        """Targets (sums and held-out years apart) whose observation lies inside the 90 %
        posterior predictive interval, and how many there are."""
        table = self.predictive
        used = table[table.used_in_fit & ~table.target.str.startswith("sum_")]
        return int(used.inside.sum()), len(used)

    def summary(self) -> str:
        inside, total = self.coverage()
        last = self.generations.iloc[-1]
        lines = [
            f"posterior of {len(self.posterior)} particles after {len(self.generations)} "
            f"generations and {int(self.generations.candidates.sum()):,} candidates "
            f"({self.wall_seconds:.0f} s); final temperature {self.final_temperature:.3g}"
            + (
                ""
                if self.final_temperature <= 1.0 + 1e-9
                else " (stopped early: tempered, wider than the posterior)"
            ),
            f"posterior predictive check: {inside} of {total} fitted targets inside the 90 % "
            f"interval; last acceptance rate {last.acceptance_rate:.1%}, effective sample "
            f"size {last.effective_sample_size:.0f}",
        ]
        for row in self.parameters.itertuples():
            lines.append(
                f"  {row.parameter} = {row.posterior_mean:.4g} [{row.posterior_p05:.4g}, "
                f"{row.posterior_p95:.4g}]; prior {row.prior} [{row.prior_p05:.4g}, "
                f"{row.prior_p95:.4g}]; contraction {row.contraction:.2f} ({row.verdict})"
            )
        table = self.predictive
        held = table[~table.used_in_fit & table.target.str.startswith("sum_")]
        for row in held.itertuples():
            lines.append(
                f"  hold-out {row.metric} {row.year}: observed {row.observed:g}, predicted "
                f"{row.simulated_mean:.1f} [{row.simulated_p05:.1f}, {row.simulated_p95:.1f}]"
            )
        return "\n".join(lines)

    def write(
        self, out: str | Path, force: bool = False, *, command: Sequence[str] | None = None
    ) -> Path:
        return write_abc(self, out, force, command)


def calibrate_abc(
    calibration: Calibration,
    jobs: Jobs = 1,
    on_generation: Callable[[int, int], None] | None = None,
    resume: str | Path | None = None,
    workspace: Path | None = None,
) -> AbcResult:
    """Fit by ABC-SMC (:mod:`sim.calibration.abc`), then run the posterior predictive
    check. ``resume``: a result folder of an earlier fit of the same spec, continued."""
    import tempfile

    started = time.time()
    folder = Path(workspace or tempfile.mkdtemp(prefix="sim-abc-"))
    database = folder / "history.db"
    if resume is not None:
        shutil.copyfile(Path(resume) / "history.db", database)
    try:
        with pool_for(jobs) as pool:
            history = run_abc(calibration, pool, database, on_generation, resume is not None)
            names = list(calibration.spec.parameters)
            frame, weights = history.get_distribution(m=0, t=history.max_t)
            posterior = pd.DataFrame(
                {"particle": range(len(frame)), "weight": weights / weights.sum()}
            )
            for name in names:
                posterior[name] = frame[name].to_numpy(dtype=float)
            generations = generations_table(history)
            predictive = predictive_check(calibration, posterior, pool)
    except BaseException:
        if workspace is None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    result = AbcResult(
        calibration,
        posterior,
        parameter_table(calibration, posterior),
        generations,
        predictive,
        database,
        started=started,
        scheduler=scheduler_of(jobs),
    )
    result.finished = time.time()
    result.wall_seconds = result.finished - started
    if workspace is None:  # the history lives as long as the result (its folder has a copy)
        weakref.finalize(result, shutil.rmtree, folder, True)
    return result


def generations_table(history: Any) -> pd.DataFrame:
    populations = history.get_all_populations()
    rows = []
    for row in populations[populations.t >= 0].itertuples():
        _, weights = history.get_distribution(m=0, t=int(row.t))
        w = weights / weights.sum()
        rows.append(
            {
                "generation": int(row.t),
                "temperature": float(row.epsilon),
                "candidates": int(row.samples),
                "accepted": int(row.particles),
                "acceptance_rate": row.particles / row.samples if row.samples else math.nan,
                "effective_sample_size": float(1.0 / np.sum(w**2)),
                "seconds": float(row.wall_time),
            }
        )
    return pd.DataFrame(rows)


def parameter_table(calibration: Calibration, posterior: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: prior and posterior mean and 90 % interval, and the contraction
    1 - posterior variance / prior variance (0: the counts say nothing; 1: pinned)."""
    rows = []
    weights = posterior.weight.to_numpy()
    for name, parameter in calibration.spec.parameters.items():
        prior = parameter.bounded_prior()
        prior_mean, prior_variance = prior.moments()
        p05, p50, p95 = prior.quantiles((0.05, 0.5, 0.95))
        values = posterior[name].to_numpy()
        mean, variance = weighted_moments(values, weights)
        q05, q50, q95 = weighted_quantiles(values, weights, (0.05, 0.5, 0.95))
        contraction = 1.0 - variance / prior_variance if prior_variance > 0 else math.nan
        rows.append(
            {
                "parameter": name,
                "prior": describe(parameter.prior_or_default()),
                "low": parameter.low,
                "high": parameter.high,
                "prior_mean": prior_mean,
                "prior_p05": p05,
                "prior_p50": p50,
                "prior_p95": p95,
                "posterior_mean": mean,
                "posterior_p05": q05,
                "posterior_p50": q50,
                "posterior_p95": q95,
                "contraction": contraction,
                "verdict": verdict(contraction),
            }
        )
    return pd.DataFrame(rows)


def predictive_check(calibration: Calibration, posterior: pd.DataFrame, pool: Any) -> pd.DataFrame:
    """For every target (held-out years too): the observation against the 90 % posterior
    predictive interval: particles drawn by weight, one replication each with its own
    random numbers, plus the discrepancy's noise (the model the fit assumed for the
    data)."""
    spec = calibration.spec
    draws = spec.abc.predictive_draws
    random = np.random.default_rng([spec.seed, 7])
    chosen = random.choice(len(posterior), size=draws, p=posterior.weight.to_numpy())
    names = list(spec.parameters)
    targets = calibration.targets
    keys = target_keys(targets)
    tasks = [
        (fit_scenario(calibration, {n: float(posterior[n].iloc[j]) for n in names}), draw, keys)
        for draw, j in enumerate(chosen)
    ]
    values = np.array(list(pool.imap(_replication_values, tasks)), dtype=float).T
    noise = Likelihood(terms_of(targets, spec.abc.discrepancy)).noise(random, draws)
    return fit_table(targets, values + noise, set(spec.holdout_years))


def write_abc(
    result: AbcResult, out: str | Path, force: bool = False, command: Sequence[str] | None = None
) -> Path:
    """posterior.csv, parameters.csv, generations.csv, predictive.csv, history.db,
    figures (marginals, pairs, the predictive check) and manifest.json at ``out``."""
    from sim.calibration.abc_figures import marginals_figure, pairs_figure

    out = Path(out)
    calibration = result.calibration
    spec = calibration.spec
    with atomic_folder(out, force) as folder:
        result.posterior.to_csv(folder / "posterior.csv", index=False)
        result.parameters.to_csv(folder / "parameters.csv", index=False)
        result.generations.to_csv(folder / "generations.csv", index=False)
        result.predictive.to_csv(folder / "predictive.csv", index=False)
        shutil.copyfile(result.database, folder / "history.db")
        figures = folder / "figures"
        figures.mkdir()
        marginals_figure(calibration, result.posterior, figures / "marginals.png")
        pairs_figure(calibration, result.posterior, figures / "pairs.png")
        fit_figure(result.predictive, figures / "predictive.png", spec.name)
        result.predictive.to_csv(figures / "predictive.csv", index=False)
        inside, total = result.coverage()
        write_calibration_manifest(
            folder,
            calibration,
            result,
            spec.abc.replications,
            command,
            {
                "method": "abc",
                "search_seed": spec.seed,
                "population": spec.abc.population,
                "generations": len(result.generations),
                "candidates": int(result.generations.candidates.sum()),
                "final_temperature": result.final_temperature,
                "predictive_draws": spec.abc.predictive_draws,
                "predictive_inside": inside,
                "predictive_targets": total,
                "holdout_years": list(spec.holdout_years),
                "discrepancy": spec.abc.discrepancy.model_dump(),
            },
        )
    return out


def write_abc_overlay(
    result: AbcResult,
    path: str | Path,
    folder: str | Path | None,
    command: Sequence[str] | None = None,
    force: bool = False,
) -> Path:
    """A scenario that ``extends`` the base and sets each fitted value to its posterior
    median (the answer at fixed parameters), commented with its 90 % credible interval
    and contraction; an existing file is replaced only with ``force`` and only if it is
    such an overlay."""
    from sim.analysis.provenance import recorded_command
    from sim.analysis.replace import atomic_file
    from sim.calibration.result import (
        OVERLAY_OPTION,
        OVERLAY_WRITER,
        calibrated_label,
        check_overlay,
        written_overlay,
    )
    from sim.calibration.spec import WHOLE_NUMBER_KEYS
    from sim.config.json_schema import editor_line, schema_named_by
    from sim.config.loader import comment_line
    from sim.config.yaml_io import yaml_value

    path = Path(path)
    check_overlay(path, force, result.calibration)
    calibration = result.calibration
    base = calibration.scenario_file.resolve()
    extends = os.path.relpath(base, path.resolve().parent)
    schema = schema_named_by(base)
    lines = [editor_line(schema, path.resolve().parent)] if schema is not None else []
    spec = calibration.spec
    made = [
        f"Made by `sim calibrate {calibration.file} --method abc` (seed {spec.seed}, "
        f"{spec.abc.population} particles, {len(result.generations)} generations of "
        f"{spec.abc.replications} replications"
        + (f", hold-out years {list(spec.holdout_years)}" if spec.holdout_years else "")
        + ").",
        f"Base scenario: {calibration.scenario_file.name}; targets: {spec.targets}.",
        "Command: " + recorded_command(command),
    ]
    lines += [comment_line(line).rstrip("\n") for line in made]
    lines += [
        "# Every value below is the median of the fitted posterior (the answer at fixed",
        "# parameters); the sources of all other numbers are in the base scenario",
        f"# {base.name}. Do not edit by hand: re-run the command.",
        "",
        f"extends: {yaml_value(extends)}",
        f"name: {yaml_value(calibration.base.name + '-calibrated')}",
        calibrated_label(calibration.base),
        "description: "
        + yaml_value(
            f"{calibration.base.name} calibrated to {Path(spec.targets).name} by sim "
            "calibrate --method abc"
        ),
        "",
    ]
    if folder is not None:
        posterior = os.path.relpath(Path(folder).resolve() / "posterior.csv", path.resolve().parent)
        lines += [
            "calibration:",
            f"  posterior: {yaml_value(posterior)}   # the fitted posterior: runs draw from it",
            "",
        ]
    table = result.parameters.set_index("parameter")
    tree: dict[Any, Any] = {}
    for key in spec.parameters:
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(int(part) if part.isdigit() else part, {})
        node[int(parts[-1]) if parts[-1].isdigit() else parts[-1]] = key

    def emit(node: dict[Any, Any], depth: int) -> None:
        for name, child in node.items():
            indent = "  " * depth
            if isinstance(child, dict):
                lines.append(f"{indent}{yaml_value(name)}:")
                emit(child, depth + 1)
                continue
            row = table.loc[child]
            value = float(row.posterior_p50)
            shown = f"{round(value)}" if name in WHOLE_NUMBER_KEYS else repr(value)
            lines.append(
                f"{indent}{yaml_value(name)}: {shown}   # posterior median; 90 % in "
                f"[{row.posterior_p05:.4g}, {row.posterior_p95:.4g}]; prior {row.prior} on "
                f"[{row.low:g}, {row.high:g}]; contraction {row.contraction:.2f} "
                f"({row.verdict})"
            )

    emit(tree, 0)
    text = "\n".join(lines) + "\n"
    return atomic_file(path, text, force, written_overlay, OVERLAY_WRITER, OVERLAY_OPTION)
