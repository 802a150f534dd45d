"""Shared helpers for tests: small scenarios built in code, and table look-ups."""

from __future__ import annotations

import copy
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from sim.cli import main
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
    """Scenario data that reduces to an M/M/c queue (``docs/model.md``, "Validation anchors")."""
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


def municipality(**changes: Any) -> dict[str, Any]:
    """A small municipality exercising every mechanism."""
    data: dict[str, Any] = {
        "name": "functional",
        "time": {"start": 2010, "years": 8, "warmup_years": 15},
        "replications": 4,
        "seed": 7,
        "stock": {
            "ordinary": {
                "units": 120,
                "contract_years": 1,
                "turnaround_days": 40,
                "rooms": {1: 0.5, 2: 0.3, 3: 0.2},
            },
            "care": {"units": 30, "turnaround_days": 20},
        },
        "groups": {
            "disadvantaged": {
                "applications_per_year": {2000: 50, 2012: 60},
                "approval": 0.7,
                "eligible": ["ordinary"],
                "rooms": {1: 0.6, 2: 0.25, 3: 0.15},
                "permanent_need": 0.3,
                "self_sufficient_years": 3,
                "followup_need": 0.4,
                "withdraw_per_year": 0.2,
                "homeless_while_waiting": 0.3,
                "breakdown_per_year": 0.06,
                "reapply_after_breakdown": 0.5,
                "other_exit_per_year": 0.03,
                "leave_when_able_per_year": 0.4,
                "exit_to": {"ownership": 0.2, "private_rental": 0.8},
                "initial_waiting": 10,
            },
            "elderly": {
                "applications_per_year": 8,
                "eligible": ["care"],
                "other_exit_per_year": 0.2,
                "followup_need": 0.5,
            },
        },
        "policy": {"renewal": "needs_based", "after_nonrenewal": "transfer"},
        "refusal": {"probability": 0.1, "penalty": "back_of_queue"},
        "followup": {
            "capacity": {2000: 15, 2013: 25},
            "breakdown_factor": 0.5,
            "self_sufficiency_factor": 1.5,
        },
        "emergency": {"units": 4},
        "builds": [
            {"year": 2012, "category": "ordinary", "units": 10, "lead_time_years": 1},
            {"from": 2014, "to": 2016, "category": "care", "units_per_year": -2},
        ],
    }
    for dotted, value in changes.items():
        target = data
        parts = dotted.split(".")
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value
    return data


# --- the command line -----------------------------------------------------------------


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def assert_input_error(result: Result) -> str:
    """Exit code 2 by a clean exit (not an escaped exception), no traceback; return stderr."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    assert "invalid input" in result.stderr
    return result.stderr


def problem_line(stderr: str, named: str, key: str | None) -> str:
    """The stderr line ``FILE: KEY: MESSAGE`` for ``named`` (and ``key``)."""
    for line in stderr.splitlines():
        where, _, rest = line.strip().partition(": ")
        if not where.endswith(named):
            continue
        if key is None or rest.startswith(f"{key}: "):
            return line
    pytest.fail(f"no line naming file {named!r} and key {key!r} in stderr:\n{stderr}")


def message_of(line: str, key: str | None) -> str:
    """The MESSAGE part of ``FILE: KEY: MESSAGE`` (or ``FILE: MESSAGE``)."""
    rest = line.strip().partition(": ")[2]
    return rest.removeprefix(f"{key}: ") if key is not None else rest


# --- back tests (tests/backtests/) ---------------------------------------------------------

BACKTESTS = Path(__file__).parent / "backtests"
DATA = Path(__file__).parent / "data"
# scenario file -> its pinned yearly table
BACKTEST_SCENARIOS = {
    DATA / "tiny.yaml": BACKTESTS / "tiny.csv",
    DATA / "every_key.yaml": BACKTESTS / "every_key.csv",
    DATA / "backtest_strict.yaml": BACKTESTS / "backtest_strict.csv",
    DATA / "backtest_rekey.yaml": BACKTESTS / "backtest_rekey.csv",
}


def backtest_table(scenario_file: Path) -> str:
    """The ``yearly.csv`` text of a run of ``scenario_file`` with its own settings."""
    from sim.config.loader import load_scenario
    from sim.runner.replications import run_scenario

    results = run_scenario(load_scenario(scenario_file), jobs=1)
    return str(results.yearly.to_csv(index=False, lineterminator="\n"))


def run_with_report(folder: Path, language: str, *more: str) -> Result:
    """``sim run tests/data/tiny.yaml`` (3 replications) with ``--report`` into ``folder``."""
    return invoke(
        "run",
        DATA / "tiny.yaml",
        "-r",
        "3",
        "--quiet",
        "--out",
        folder,
        "--report",
        "--lang",
        language,
        *more,
    )


class ReportPage(HTMLParser):
    """The URLs, images and numeric cells (with their row's data attributes) of a report page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.images: list[str] = []
        self.cells: list[dict[str, str]] = []
        self.rows: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for key in ("src", "href", "action", "data"):
            if key in values:
                self.urls.append(values[key])
        if tag == "img":
            self.images.append(values.get("src", ""))
        if tag == "tr":
            self.rows.append(values)
        if tag == "td" and "data-value" in values:
            self.cells.append({**self.rows[-1], **values})


def english_in_workbook(path: Path) -> list[tuple[str, str]]:
    """(sheet, text) of every cell of a Norwegian workbook that holds a catalogue metric's
    English label (alone, or as a part ``label: ...``/``label (unit)``) or an English
    unit; the assumptions sheet (the scenario's own keys and comments) is not read."""
    import openpyxl

    from sim.model.catalogue import CATALOGUE

    english = {m.english for m in CATALOGUE.values() if m.english != m.norwegian}
    units = {m.unit for m in CATALOGUE.values() if m.unit not in ("share",)}
    found = []
    for sheet in openpyxl.load_workbook(path).worksheets:
        if sheet.title == "Antagelser":
            continue
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if not isinstance(value, str):
                    continue
                words = {value, *(part.split(" (")[0] for part in value.split(": "))}
                if words & english or value in units:
                    found.append((sheet.title, value))
    return found


def open_app(monkeypatch: pytest.MonkeyPatch, files: list[Path], jobs: int = 1) -> Any:
    """The app's page under Streamlit's AppTest, started as ``sim app --scenario FILE
    --jobs JOBS`` in the repository folder would start it, after its first run."""
    from streamlit.testing.v1 import AppTest

    from sim.app.sources import STARTUP, Startup

    root = Path(__file__).resolve().parent.parent
    startup = Startup(root / "scenarios", files, jobs)
    for name in ("folder", "files", "jobs"):
        monkeypatch.setattr(STARTUP, name, getattr(startup, name))
    test = AppTest.from_file(str(root / "sim" / "app" / "page.py"), default_timeout=300)
    test.run()
    assert not test.exception
    return test


# texts that YAML (PyYAML's resolvers or this tool's: 1e5 is a number) reads as another type
LOOKALIKES = [
    "1e5",
    "2.5e-3",
    "12E3",
    "1_000",
    "0x10",
    "0o17",
    "017",
    "0b101",
    "1:30",
    "yes",
    "No",
    "on",
    "OFF",
    "true",
    "False",
    "y",
    "null",
    "Null",
    "~",
    "",
    ".inf",
    "-.Inf",
    ".nan",
    "2020-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "12",
    "-0",
    "+1.5",
    "<<",
    "=",
    "a\nb",
    "tab\there",
    " leading",
    "a: b",
    "# not a comment",
    "æøå «» \u2028 \x85 😀",
]
