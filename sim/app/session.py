"""What every page shares: the runner and baselines of the server, the browser session's
language and chosen baseline, and how input errors are shown."""

from __future__ import annotations

import atexit
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from sim.app.runs import Runner
from sim.app.sources import STARTUP, Baseline, find_baselines
from sim.app.text import say
from sim.config.errors import InputError
from sim.config.schema import Scenario

PASTED_KEY = "pasted"  # session state: the scenario made from pasted text, if any


@st.cache_resource(show_spinner=False)
def runner() -> Runner:
    """The server's one runner (its worker pool is started on the first run)."""
    shared = Runner(STARTUP.jobs)
    atexit.register(shared.close)
    _ = shared.pool  # start the workers now: they are warm by the first click on Run
    return shared


@st.cache_resource(show_spinner=False)
def baselines() -> dict[str, Baseline]:
    """The baselines found at start-up, by name."""
    return find_baselines(STARTUP)


@dataclass(frozen=True)
class Chosen:
    """The baseline this session works on."""

    name: str
    scenario: Scenario
    file: Path | None
    policies: dict[str, Path]


def language() -> str:
    return str(st.session_state.get("language", "en"))


def chosen() -> Chosen:
    """The baseline selected in the sidebar (a pasted scenario has no file)."""
    name = str(st.session_state.get("baseline", ""))
    pasted = st.session_state.get(PASTED_KEY)
    if isinstance(pasted, Scenario) and name == pasted.name:
        return Chosen(name, pasted, None, {})
    known = baselines()
    baseline = known.get(name) or next(iter(known.values()))
    return Chosen(baseline.name, baseline.scenario, baseline.file, baseline.policies)


def show_input_error(error: InputError) -> None:
    """The problems of an input error as one message (never a traceback)."""
    lines = "\n".join(f"- {problem}" for problem in error.problems)
    st.error(f"{say('input_error', language())}\n\n{lines}")
