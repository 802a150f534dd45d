"""Shared helpers for tests: small scenarios built in code, and table look-ups."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

from sim.config.loader import validate_data
from sim.config.schema import Scenario


def mmc_data(
    c: int,
    arrival_rate: float,
    service_rate: float,
    years: int = 50,
    warmup: float = 10,
    replications: int = 4,
    seed: int = 11,
) -> dict[str, Any]:
    """Scenario data that reduces to an M/M/c queue (MODEL.md section 3)."""
    return {
        "name": f"mmc-{c}",
        "time": {"start": 2000, "years": years, "warmup_years": warmup},
        "replications": replications,
        "seed": seed,
        "stock": {"units": {"units": c}},
        "groups": {
            "applicants": {
                "applications_per_year": arrival_rate,
                "eligible": ["units"],
                "other_exit_per_year": service_rate,
            }
        },
    }


def scenario(data: dict[str, Any], **changes: Any) -> Scenario:
    """Validate scenario data, with dotted-key changes: scenario(d, **{"policy.renewal": "x"})."""
    data = copy.deepcopy(data)
    for dotted, value in changes.items():
        target = data
        parts = dotted.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return validate_data(data, "<test>")


def total(yearly: pd.DataFrame, metric: str, group: str = "", category: str = "") -> pd.DataFrame:
    """Rows of one metric (default: the all-groups, all-categories total)."""
    return yearly[
        (yearly.metric == metric) & (yearly.group == group) & (yearly.category == category)
    ]


def per_replication(
    yearly: pd.DataFrame, metric: str, group: str = "", category: str = ""
) -> pd.Series:
    """Sum over years of a metric, one value per replication."""
    return total(yearly, metric, group, category).groupby("replication")["value"].sum()
