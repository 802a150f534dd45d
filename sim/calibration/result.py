"""What a calibration found (its trials, the best one, the fit and its text) and its result
folder, written atomically like ``sim run``'s."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.figures import new_figure, say
from sim.analysis.labels import label, shown
from sim.analysis.output import atomic_folder
from sim.analysis.provenance import Input, recorded_command, write_manifest
from sim.analysis.replace import atomic_file, check_out_file, written_overlay
from sim.calibration.holdout import check_lines
from sim.calibration.spec import WHOLE_NUMBER_KEYS, Calibration, scenario_with
from sim.config.errors import InputError, Problem
from sim.config.json_schema import editor_line, schema_named_by
from sim.config.loader import comment_line, scenario_yaml
from sim.config.schema import Scenario
from sim.config.yaml_io import yaml_value


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
    holdout_check: pd.DataFrame | None = None  # the held-out lists against a naive forecast
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
        if self.holdout_check is not None:
            lines += check_lines(self.holdout_check)
        return "\n".join(lines)

    def write(
        self, out: str | Path, force: bool = False, *, command: Sequence[str] | None = None
    ) -> Path:
        """Write the result folder of ``sim calibrate`` (fit, trials, identifiability, best
        scenario); return it."""
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


OVERLAY_OPTION = "--scenario-out"
OVERLAY_WRITER = "sim calibrate --scenario-out"
"""What writes a calibrated overlay; its files say so in their first lines (:func:`how_made`)."""
"""Whether a file is a calibrated overlay (``--force`` replaces only such a file)."""


def input_files(calibration: Calibration) -> list[Path]:
    """The spec, its base scenario and its targets: the files a calibration reads."""
    spec = Path(calibration.file)
    return [spec, calibration.scenario_file, spec.parent / calibration.spec.targets]


def check_overlay(
    path: str | Path, force: bool = False, calibration: Calibration | None = None
) -> None:
    """Fail before calibrating if the calibrated scenario may not or cannot be written at
    ``path``: as any file a command writes (an existing one only with ``force`` and only
    if it is such an overlay), and never over the base scenario of ``calibration``."""
    path = Path(path)
    if (
        calibration is not None
        and path.exists()
        and path.resolve() == calibration.scenario_file.resolve()
    ):
        raise InputError(
            [
                Problem(
                    str(path),
                    OVERLAY_OPTION,
                    "is the base scenario the calibrated scenario extends; name another file",
                )
            ]
        )
    check_out_file(path, force, written_overlay, OVERLAY_WRITER, OVERLAY_OPTION)


def how_made(result: CalibrationResult, command: Sequence[str] | None) -> list[str]:
    spec = result.calibration.spec
    assert result.best is not None
    return [
        f"Made by `sim calibrate {result.calibration.file}` (seed {spec.seed}, budget "
        f"{spec.budget} evaluations of {spec.replications} replications"
        + (f", hold-out years {list(spec.holdout_years)}" if spec.holdout_years else "")
        + ").",
        f"Base scenario: {result.calibration.scenario_file.name}; targets: {spec.targets}.",
        f"Best loss {result.best.loss:.4g} at trial {result.best.number}.",
        "Command: " + recorded_command(command),
    ]


def write_calibration(
    result: CalibrationResult,
    out: str | Path,
    force: bool = False,
    command: Sequence[str] | None = None,
) -> Path:
    """trials.csv, fit.csv, identifiability.csv, holdout.csv and holdout_check.csv (with
    hold-out years),
    best.yaml, figures/fit.png (with its data) and manifest.json at ``out``, written
    atomically; return ``out``."""
    out = Path(out)
    calibration = result.calibration
    assert result.best is not None and result.fit is not None
    assert result.identifiability is not None
    with atomic_folder(out, force) as folder:
        result.trials_table().to_csv(folder / "trials.csv", index=False)
        result.fit.to_csv(folder / "fit.csv", index=False)
        result.identifiability.to_csv(folder / "identifiability.csv", index=False)
        if result.holdout is not None:
            result.holdout.to_csv(folder / "holdout.csv", index=False)
        if result.holdout_check is not None:
            result.holdout_check.to_csv(folder / "holdout_check.csv", index=False)
        best = scenario_with(calibration, result.best.values)
        with open(folder / "best.yaml", "w", encoding="utf-8") as handle:
            for line in how_made(result, command):
                handle.write(comment_line(line))
            handle.write("# The fitted values are listed in identifiability.csv.\n")
            handle.write(scenario_yaml(best))
        (folder / "figures").mkdir()
        fit_figure(result.fit, folder / "figures" / "fit.png", calibration.spec.name)
        result.fit.to_csv(folder / "figures" / "fit.csv", index=False)  # the figure's data
        spec = calibration.spec
        write_calibration_manifest(
            folder,
            calibration,
            result,
            spec.replications,
            command,
            {
                "search_seed": spec.seed,
                "budget": spec.budget,
                "fit_replications": spec.fit_replications,
                "holdout_years": list(spec.holdout_years),
                "evaluations": len(result.trials),
                "best_loss": result.best.loss,
                "best": result.best.values,
            },
        )
    return out


def write_calibration_manifest(
    folder: Path,
    calibration: Calibration,
    result: Any,
    replications: int,
    command: Sequence[str] | None,
    extra: dict[str, Any],
) -> None:
    """manifest.json of a calibration's result folder (either method): the base scenario,
    the spec and targets read, when it ran and where, and ``extra``."""
    write_manifest(
        folder,
        kind="calibrate",
        scenario=calibration.base,
        scenario_file=calibration.scenario_file,
        seed=calibration.base.seed,
        replications=replications,
        started=result.started,
        finished=result.finished,
        command=command,
        scheduler=result.scheduler,
        inputs=[
            Input("spec", calibration.spec.name, calibration.file),
            Input("targets", None, input_files(calibration)[2]),
        ],
        extra=extra,
    )


def calibrated_label(base: Scenario) -> str:
    """The ``label:`` line of a calibrated overlay: the base's label in each language
    with ", kalibrert" / ", calibrated" (a scenario's label is not inherited)."""
    nb, en = (shown(base.label, base.name, lang) for lang in ("nb", "en"))
    nb_text = json.dumps(nb + ", kalibrert", ensure_ascii=False)
    en_text = json.dumps(en + ", calibrated", ensure_ascii=False)
    return f"label: {{nb: {nb_text}, en: {en_text}}}"


def write_overlay(
    result: CalibrationResult,
    path: str | Path,
    command: Sequence[str] | None = None,
    force: bool = False,
) -> Path:
    """A scenario that ``extends`` the base and sets the fitted values, with comments;
    an existing file is replaced only with ``force`` and only if it is such an overlay."""
    path = Path(path)
    check_overlay(path, force, result.calibration)
    calibration = result.calibration
    assert result.best is not None and result.identifiability is not None
    base = calibration.scenario_file.resolve()
    extends = os.path.relpath(base, path.resolve().parent)
    verdicts = result.identifiability.set_index("parameter")
    schema = schema_named_by(base)
    lines = [editor_line(schema, path.resolve().parent)] if schema is not None else []
    lines += [comment_line(line).rstrip("\n") for line in how_made(result, command)]
    lines += [
        "# Every value below was fitted; the sources of all other numbers are in the",
        f"# base scenario {base.name}. Do not edit by hand: re-run the command.",
        "",
    ]
    lines += [
        f"extends: {yaml_value(extends)}",
        f"name: {yaml_value(calibration.base.name + '-calibrated')}",
        calibrated_label(calibration.base),
        "description: "
        + yaml_value(
            f"{calibration.base.name} calibrated to "
            f"{Path(calibration.spec.targets).name} by sim calibrate"
        ),
        "",
    ]
    tree: dict[Any, Any] = {}
    for key, value in result.best.values.items():
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(int(part) if part.isdigit() else part, {})
        last = parts[-1]
        node[int(last) if last.isdigit() else last] = (key, value)
    lines += _overlay_lines(tree, 0, calibration, verdicts)
    text = "\n".join(lines) + "\n"
    return atomic_file(path, text, force, written_overlay, OVERLAY_WRITER, OVERLAY_OPTION)


def _overlay_lines(
    tree: dict[str, Any], depth: int, calibration: Any, verdicts: pd.DataFrame
) -> list[str]:
    lines = []
    for name, node in tree.items():
        indent = "  " * depth
        if isinstance(node, dict):
            lines.append(f"{indent}{yaml_value(name)}:")
            lines += _overlay_lines(node, depth + 1, calibration, verdicts)
            continue
        key, value = node
        parameter = calibration.spec.parameters[key]
        shown = f"{round(value)}" if name in WHOLE_NUMBER_KEYS else repr(float(value))
        verdict = verdicts.loc[key, "verdict"]
        lines.append(
            f"{indent}{yaml_value(name)}: {shown}   # calibrated in [{parameter.low:g}, "
            f"{parameter.high:g}]{' (log scale)' if parameter.log else ''}; "
            f"guess {parameter.guess:g}; {verdict}"
        )
    return lines


def fit_figure(fit: pd.DataFrame, path: Path, name: str, language: str = "en") -> None:
    """Observed against simulated (mean and 90 % interval), one panel per metric; texts in
    English (``en``) or Norwegian (``nb``)."""
    metrics = list(dict.fromkeys(fit.metric))
    columns = min(3, len(metrics))
    rows = (len(metrics) + columns - 1) // columns
    fig, axes = new_figure(
        rows, columns, figsize=(5.2 * columns, 3.6 * rows), language=language, squeeze=False
    )
    for ax, metric in zip(axes.flat, metrics, strict=False):
        block = fit[fit.metric == metric].reset_index(drop=True)
        x = range(len(block))
        ticks = [
            f"{(g or c or say('fit_all', language))} {y}"
            for g, c, y in zip(block.group, block.category, block.year, strict=True)
        ]
        ax.errorbar(
            x,
            block.simulated_mean,
            yerr=[
                block.simulated_mean - block.simulated_p05,
                block.simulated_p95 - block.simulated_mean,
            ],
            fmt="o",
            color="tab:blue",
            capsize=3,
            label=say("fit_simulated", language),
        )
        has_range = block.low.notna() & block.high.notna()
        ax.vlines(
            [i for i, r in zip(x, has_range, strict=True) if r],
            block.low[has_range],
            block.high[has_range],
            color="black",
            linewidth=3,
            alpha=0.4,
            label=say("fit_range", language),
        )
        ax.scatter(
            x,
            block.observed,
            color="black",
            marker="x",
            zorder=3,
            label=say("fit_observed", language),
        )
        held = ~block.used_in_fit
        if held.any():
            ax.scatter(
                [i for i, h in zip(x, held, strict=True) if h],
                block.observed[held],
                facecolors="none",
                edgecolors="red",
                s=120,
                zorder=4,
                label=say("fit_held_out", language),
            )
        ax.set_xticks(list(x))
        ax.set_xticklabels(ticks, rotation=60, ha="right", fontsize=7)
        ax.set_title(label(metric, language, with_unit=True), fontsize=9)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    inside = int(fit.inside.sum())
    fig.suptitle(say("fit_title", language, name=name, inside=inside, n=len(fit)), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
