"""Regenerate targets.csv from truth.yaml (run on purpose only: python make_targets.py).

Observed values are means over 40 replications with seed 999, so they carry little noise
and are not drawn with the seeds the calibration uses.
"""

from pathlib import Path

import pandas as pd

from sim.config.loader import load_scenario
from sim.runner import run_scenario

HERE = Path(__file__).resolve().parent

scenario = load_scenario(HERE / "truth.yaml", ["seed=999"])
yearly = run_scenario(scenario, replications=40).yearly
rows = []
for metric, group, category in [
    ("waiting", "families", ""),
    ("waiting", "elderly", ""),
    ("allocations", "", "flats"),
    ("allocations", "", "care"),
]:
    block = yearly[
        (yearly.metric == metric) & (yearly.group == group) & (yearly.category == category)
    ]
    for year, value in block.groupby("year").value.mean().items():
        rows.append(
            {
                "year": year,
                "metric": metric,
                "group": group,
                "category": category,
                "observed": round(value, 1),
                "low": "",
                "high": "",
                "weight": 1,
                "source": "truth.yaml, seed 999, mean of 40 replications",
            }
        )
pd.DataFrame(rows).to_csv(HERE / "targets.csv", index=False)
