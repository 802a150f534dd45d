"""What a calibration found: its trials, the best one, the fit and its text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration.spec import Calibration


@dataclass
class Trial:
    number: int
    phase: str
    values: dict[str, float]
    loss: float
    losses: np.ndarray
    simulated: np.ndarray  # mean per target


@dataclass
class CalibrationResult:
    calibration: Calibration
    fitted_targets: pd.DataFrame
    trials: list[Trial] = field(default_factory=list)
    best: Trial | None = None
    fit: pd.DataFrame | None = None
    identifiability: pd.DataFrame | None = None
    holdout: pd.DataFrame | None = None
    wall_seconds: float = 0.0
    started: float = 0.0  # Unix times
    finished: float = 0.0
    scheduler: str | None = None  # the Dask scheduler it ran on (None: this machine)

    @property
    def table(self) -> pd.DataFrame:
        """The fit per target: observed, the simulated mean and 90 % interval, whether the
        observation lies inside (``fit.csv``)."""
        return self.fit if self.fit is not None else pd.DataFrame()

    def summary(self) -> str:
        """The best loss, how many targets the fit reaches, the values and the hold-out
        predictions (what ``sim calibrate`` prints)."""
        fit = self.fit
        assert fit is not None and self.best is not None
        used = fit[fit.used_in_fit & ~fit.target.str.startswith("sum_")]
        lines = [
            f"best loss {self.best.loss:.4g} after {len(self.trials)} evaluations "
            f"({self.wall_seconds:.0f} s); {int(used.inside.sum())} of {len(used)} "
            "fitted targets inside the simulated 90 % interval"
        ]
        lines += [f"  {name} = {value:.4g}" for name, value in self.best.values.items()]
        if self.holdout is not None:
            for row in self.holdout.itertuples():
                if row.target.startswith("sum_"):
                    lines.append(
                        f"  hold-out {row.metric} {row.year}: observed {row.observed:g}, "
                        f"predicted {row.simulated_mean:.1f} ({row.relative_error:+.0%})"
                    )
        return "\n".join(lines)

    def write(
        self, out: str | Path, force: bool = False, *, command: Sequence[str] | None = None
    ) -> Path:
        """Write the result folder of ``sim calibrate`` (fit, trials, identifiability, best
        scenario); return it."""
        from sim.calibration.report import write_calibration

        return write_calibration(self, out, force, command)

    def trials_table(self) -> pd.DataFrame:
        names = list(self.calibration.spec.parameters)
        ids = list(self.fitted_targets.target)
        rows = []
        for trial in self.trials:
            row: dict[str, Any] = {"trial": trial.number, "phase": trial.phase}
            row.update({name: trial.values[name] for name in names})
            row["loss"] = trial.loss
            row.update({f"loss_{t}": value for t, value in zip(ids, trial.losses, strict=True)})
            rows.append(row)
        return pd.DataFrame(rows)
