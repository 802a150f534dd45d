"""Simulation-based calibration of ``sim calibrate --method abc`` (Talts et al. 2018).

A case with a known truth: the M/M/c reduction of the model (``helpers.mmc_data``: one
group, Poisson applications at rate λ, ``c`` dwellings, each tenancy ending at rate μ),
both rates unknown. For each of ``DATA_SETS`` synthetic data sets:

1. θ* = (λ*, μ*) is drawn from the priors of the spec;
2. the data are one replication of the model at θ* with a fresh seed plus the
   discrepancy noise N(0, δ²) per target: the data model the likelihood assumes;
3. the fit by ABC gives weighted posterior particles; the rank statistic of θ* is its
   value of the weighted posterior distribution function, u = Σ w [θ < θ*];
4. the 90 % credible interval (weighted 5 % and 95 % quantiles) covers θ* or not.

If the fit is right, u is uniform on [0, 1] for each parameter and the intervals cover
θ* in 90 % of the data sets. Asserted: a Kolmogorov–Smirnov test of uniformity with
p > 0.01 per parameter, and coverage in [85 %, 95 %] per parameter (with 100 data sets
the binomial sd of a 90 % coverage is 3 points; the range is about ±1.7 sd).

Run with ``-m slow`` (the fits run in 2 processes). Measured on the compiled install:
755 s with the machine's 2 cores shared (load average about 7), coverage 0.85 and 0.90,
KS p 0.48 and 0.25 (arrival rate, exit rate). A fit is about 850 candidates and 100 draws
from the prior, 3.1 s of CPU (3.9 s before the particles' scenarios skipped the
written-size check and the likelihood scipy's per-call checks); pyabc's own bookkeeping is
most of it. ``python tests/test_abc_sbc.py [DATA_SETS]`` prints the figures.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import mmc_data

from sim.calibration import load_calibration
from sim.calibration.engine import _replication_values, target_keys
from sim.calibration.spec import Calibration, scenario_with

DATA_SETS = 100
PROCESSES = 2
DELTA = 2.0  # the discrepancy sd of every target (abc.discrepancy: share 0, minimum 2)
YEARS = (2000,)
METRICS = ("applications", "exits_other", "tenants")
LAMBDA = "groups.applicants.applications_per_year"
MU = "groups.applicants.other_exit_per_year"
NAMES = (LAMBDA, MU)

SPEC = f"""\
name: sbc
scenario: base.yaml
targets: targets.csv
method: abc
seed: 1
parameters:
  {LAMBDA}: {{low: 2, high: 12, guess: 5, prior: {{kind: gamma, shape: 4, rate: 0.7}}}}
  {MU}: {{low: 0.3, high: 3, guess: 1, log: true}}
abc:
  population: 100
  generations: 2
  replications: 2
  predictive_draws: 10
  discrepancy: {{share: 0, minimum: {DELTA}}}
"""


def write_case(folder: Path) -> Path:
    """The tiny M/M/c scenario (4 dwellings, 2 years of warm-up, 1 reported year) and the
    spec; the targets file holds placeholders, replaced by each data set."""
    import yaml

    data = mmc_data(4, 5.0, 1.0, years=len(YEARS), warmup=2, replications=1)
    data["time"]["start"] = YEARS[0]
    (folder / "base.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    rows = [f"{year},{metric},,,1,,,1,placeholder" for year in YEARS for metric in METRICS]
    header = "year,metric,group,category,observed,low,high,weight,source\n"
    (folder / "targets.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    spec = folder / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    return spec


def synthetic(calibration: Calibration, index: int) -> tuple[dict[str, float], Calibration]:
    """Data set ``index``: θ* from the priors, one replication at θ* (its own seed) plus
    N(0, δ²) noise; the calibration with these targets and its own fit seed."""
    random = np.random.default_rng([20261206, index])
    truth = {
        name: float(p.bounded_prior().draw(1, random)[0])
        for name, p in calibration.spec.parameters.items()
    }
    scenario = scenario_with(calibration, truth)
    scenario = scenario.model_copy(update={"seed": int(random.integers(0, 2**31))})
    keys = target_keys(calibration.targets)
    values = np.array(_replication_values((scenario, 0, keys)), dtype=float)
    targets = calibration.targets.copy()
    targets["observed"] = values + random.normal(0.0, DELTA, size=len(values))
    spec = calibration.spec.model_copy(update={"seed": 1000 + index})
    return truth, calibration.model_copy(update={"targets": targets, "spec": spec})


def fit_one(args: tuple[str, int]) -> dict[str, float]:
    """One data set's fit: the rank statistic and the interval's coverage per parameter."""
    from sim.calibration.abc import run_abc
    from sim.runner.pool import WorkerPool

    spec, index = args
    truth, calibration = synthetic(load_calibration(spec), index)
    with tempfile.TemporaryDirectory() as folder, WorkerPool(1) as pool:
        history = run_abc(calibration, pool, Path(folder) / "history.db")
        frame, weights = history.get_distribution(m=0, t=history.max_t)
        temperature = float(history.get_all_populations().epsilon.iloc[-1])
    weights = np.asarray(weights, dtype=float)
    weights = weights / weights.sum()
    out: dict[str, float] = {"index": index, "temperature": temperature}
    for name in NAMES:
        values = frame[name].to_numpy(dtype=float)
        rank = float(weights[values < truth[name]].sum() + weights[values == truth[name]].sum() / 2)
        out[f"{name}:truth"] = truth[name]
        out[f"{name}:rank"] = rank
        out[f"{name}:covered"] = float(0.05 <= rank <= 0.95)
    return out


def run_sbc(data_sets: int = DATA_SETS, processes: int = PROCESSES) -> tuple[pd.DataFrame, float]:
    """All the fits, in ``processes`` processes; their table and the seconds taken."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        spec = str(write_case(Path(folder)))
        tasks = [(spec, i) for i in range(data_sets)]
        context = multiprocessing.get_context("fork")
        with context.Pool(processes) as pool:
            rows = pool.map(fit_one, tasks, chunksize=1)
    return pd.DataFrame(rows), time.perf_counter() - started


def figures(table: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Per parameter: coverage of the 90 % intervals and the KS p-value of the ranks."""
    out = {}
    for name in NAMES:
        ranks = table[f"{name}:rank"].to_numpy()
        p = float(stats.kstest(ranks, "uniform").pvalue)
        out[name] = (float(table[f"{name}:covered"].mean()), p)
    return out


@pytest.mark.slow(seconds=170)  # two processes; seconds: the slow suite's order
def test_simulation_based_calibration_of_the_abc_fit() -> None:
    pytest.importorskip("pyabc")
    table, seconds = run_sbc()
    assert len(table) == DATA_SETS
    assert (table.temperature <= 1.0 + 1e-9).all(), "a fit stopped before temperature 1"
    for name, (coverage, p) in figures(table).items():
        assert 0.85 <= coverage <= 0.95, (name, coverage, seconds)
        assert p > 0.01, (name, p, seconds)


if __name__ == "__main__":
    sets = int(sys.argv[1]) if len(sys.argv) > 1 else DATA_SETS
    table, seconds = run_sbc(sets, int(os.environ.get("SBC_PROCESSES", PROCESSES)))
    for name, (coverage, p) in figures(table).items():
        print(f"{name}: 90 % coverage {coverage:.2f}, KS p {p:.3f}")
    histogram = {
        n: np.histogram(table[f"{n}:rank"], bins=10, range=(0, 1))[0].tolist() for n in NAMES
    }
    print("rank histograms (10 bins):", histogram)
    print(f"{len(table)} fits in {seconds:.0f} s; final temperature max {table.temperature.max()}")
    if math.isfinite(seconds):
        table.to_csv(os.environ.get("SBC_TABLE", "/tmp/sbc.csv"), index=False)
