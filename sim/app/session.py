"""What every page shares: the runner and baselines of the server, the browser session's
language, chosen baseline and pasted scenarios, how input errors are shown, and how a run
is weighed against the run budget (:mod:`sim.app.budget`) and cancelled."""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from sim.analysis.labels import number, scenario_label
from sim.app.budget import HARD_BUDGET, Cost
from sim.app.controls import PARAMS, Controls, Ignored, from_params, whole
from sim.app.runs import Runner, Tick
from sim.app.sources import STARTUP, Baseline, find_baselines
from sim.app.text import LANGUAGES, say
from sim.config.errors import InputError
from sim.config.schema import Scenario

PASTED_KEY = "pasted"  # session state: the pasted scenarios by their key (a dict)
MAX_PASTED = 20
"""Pasted scenarios a session keeps (the oldest is dropped)."""
CANCELLED = "cancelled"  # session state: the page whose run was cancelled (told once)
ADDRESS_READ = "address_read"  # session state: the page's address was read
ADDRESS_CONTROLS = "address_controls"  # session state: (baseline, Controls) to set
ADDRESS_IGNORED = "address_ignored"  # session state: address values not used (told once)
REPLICATIONS = (2, 30, 8)
"""The replications slider: lowest, highest, default."""


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


def presenting() -> bool:
    """Whether presenter mode is on (large type, one chart, compact controls)."""
    return bool(st.session_state.get("presenter", False))


@dataclass(frozen=True)
class Pasted:
    """A pasted scenario: ``number`` 0 if it keeps its own name as its key, else the
    n-th paste whose name was taken (by a shipped baseline or an earlier paste)."""

    scenario: Scenario
    number: int


def pasted() -> dict[str, Pasted]:
    """The session's pasted scenarios by key (the baseline list's value)."""
    found = st.session_state.get(PASTED_KEY)
    if not isinstance(found, dict):
        found = st.session_state[PASTED_KEY] = {}
    return found


def add_pasted(scenario: Scenario) -> str:
    """Keep a pasted scenario under a key no baseline and no other paste has, so that it
    hides none (``name (pasted)``, ``name (pasted 2)``, … when its name is taken); the
    key is returned. Runs made under a key now reused are forgotten."""
    known = pasted()
    taken = set(baselines()) | set(known)
    name, number, key = scenario.name, 0, scenario.name
    while key in taken:
        number += 1
        key = f"{name} (pasted)" if number == 1 else f"{name} (pasted {number})"
    known[key] = Pasted(scenario, number)
    st.session_state.get("points", {}).pop(key, None)
    while len(known) > MAX_PASTED:
        dropped = next(iter(known))
        known.pop(dropped)
        st.session_state.get("points", {}).pop(dropped, None)
    return key


def baseline_label(key: str, lang: str) -> str:
    """A baseline's name as the list shows it: its label in the page's language (its
    name where it has none); a paste whose name was taken is marked as pasted."""
    entry = pasted().get(key)
    if entry is None:
        known = baselines().get(key)
        return scenario_label(known.scenario, lang) if known is not None else key
    shown = scenario_label(entry.scenario, lang)
    if entry.number == 0:
        return shown
    mark = say("pasted_mark", lang) + ("" if entry.number == 1 else f" {entry.number}")
    return f"{shown} ({mark})"


def chosen() -> Chosen:
    """The baseline selected in the sidebar (a pasted scenario has no file)."""
    name = str(st.session_state.get("baseline", ""))
    entry = pasted().get(name)
    if entry is not None:
        return Chosen(name, entry.scenario, None, {})
    known = baselines()
    baseline = known.get(name) or next(iter(known.values()))
    return Chosen(baseline.name, baseline.scenario, baseline.file, baseline.policies)


class Stopped(Exception):
    """A click waits while a run goes (its Cancel button or another): the run stops."""


def _click_waits() -> bool:
    """Whether the browser asked for a rerun (or a stop) that Streamlit holds back until
    this run ends: a click inside a fragment does not stop the page by itself."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx(suppress_warning=True)
    requests = getattr(context, "script_requests", None)
    state = getattr(requests, "_state", None)
    return state is not None and getattr(state, "name", "CONTINUE") != "CONTINUE"


@contextmanager
def cancellable(cost: Cost, page: str) -> Iterator[Tick]:
    """``with cancellable(cost, page) as tick``: a Cancel button and the time the run has
    taken, drawn while the block runs; ``tick`` (for :meth:`Runner.guarded`) redraws
    the time and raises :class:`Stopped` when a click waits. A stopped run is told on
    the page's next redraw (:func:`tell_cancelled`); Streamlit's own stop goes on."""
    lang = language()
    slot = st.empty()
    with slot.container():
        st.button(say("cancel", lang), key="cancel_run", help=say("cancel_help", lang))
        shown = st.empty()

    def tick(seconds: float) -> None:
        shown.caption(say("running_for", lang, seconds=seconds, estimate=cost.seconds))
        if _click_waits():
            raise Stopped

    try:
        yield tick
    except Stopped:
        st.session_state[CANCELLED] = page
    except Exception:
        slot.empty()
        raise
    except BaseException:  # Streamlit stops the page: the run was cancelled
        st.session_state[CANCELLED] = page
        raise
    slot.empty()


def within_budget(cost: Cost, confirm_key: str) -> bool:
    """Show the run's estimate; whether it may start: refused over the hard budget, and
    between the budgets only once confirmed (a box drawn here)."""
    lang = language()
    minutes = cost.seconds / 60
    if cost.refused:
        st.error(
            say(
                "budget_refused",
                lang,
                events=number(cost.events, lang, 0),
                budget=number(HARD_BUDGET, lang, 0),
                minutes=number(minutes, lang, 0),
            )
        )
        return False
    if cost.needs_confirmation:
        confirmed = st.checkbox(
            say(
                "budget_confirm",
                lang,
                events=number(cost.events, lang, 0),
                minutes=number(minutes, lang, 0),
            ),
            key=confirm_key,
        )
        return bool(confirmed)
    st.caption(say("budget_ok", lang, events=number(cost.events, lang, 0), seconds=cost.seconds))
    return True


def tell_cancelled(page: str) -> None:
    """Tell once, on its page, that the last run was cancelled."""
    if st.session_state.get(CANCELLED) == page:
        del st.session_state[CANCELLED]
        st.warning(say("cancelled", language()))


def show_input_error(error: InputError) -> None:
    """The problems of an input error as one message (never a traceback)."""
    lines = "\n".join(f"- {problem}" for problem in error.problems)
    st.error(f"{say('input_error', language())}\n\n{lines}")


def read_address() -> None:
    """Once a session, before any widget is drawn: the language (``lang``), baseline,
    replications (``reps``), presenter mode and controls the page's address names.
    Values that cannot be used are kept to be told (:func:`address_ignored`); the
    controls wait for the trade-off page (:data:`ADDRESS_CONTROLS`)."""
    if st.session_state.get(ADDRESS_READ):
        return
    st.session_state[ADDRESS_READ] = True
    params = {key: st.query_params[key] for key in st.query_params}
    ignored: list[Ignored] = []
    lang = params.get("lang")
    if lang is not None:
        if lang in LANGUAGES:
            st.session_state["language"] = lang
        else:
            ignored.append(Ignored("lang", lang, ", ".join(LANGUAGES)))
    name = params.get("baseline")
    if name is not None:
        if name in baselines():
            st.session_state["baseline"] = name
        else:
            ignored.append(Ignored("baseline", name, ", ".join(baselines())))
    reps = params.get("reps")
    if reps is not None:
        low, high, _ = REPLICATIONS
        value = whole(reps, low, high)
        if value is None:
            ignored.append(Ignored("reps", reps, f"{low}–{high}"))
        else:
            st.session_state["replications"] = value
    presenter = params.get("presenter")
    if presenter is not None:
        if presenter in ("0", "1"):
            st.session_state["presenter"] = presenter == "1"
        else:
            ignored.append(Ignored("presenter", presenter, "0, 1"))
    wanted = {key: params[key] for key in PARAMS if key in params}
    if wanted:
        base = chosen()
        controls, bad = from_params(base.scenario, wanted)
        st.session_state[ADDRESS_CONTROLS] = (base.name, controls)
        ignored += bad
    st.session_state[ADDRESS_IGNORED] = ignored


def address_controls(name: str) -> Controls | None:
    """The controls the address named for baseline ``name``, once."""
    pending = st.session_state.get(ADDRESS_CONTROLS)
    if pending is None or pending[0] != name:
        return None
    del st.session_state[ADDRESS_CONTROLS]
    return pending[1]  # type: ignore[no-any-return]


def address_ignored() -> None:
    """Tell once which values of the page's address were ignored, and why."""
    for item in st.session_state.pop(ADDRESS_IGNORED, []):
        value = item.value if len(item.value) <= 40 else item.value[:39] + "…"
        allowed = item.allowed if len(item.allowed) <= 300 else item.allowed[:299] + "…"
        st.warning(say("address_ignored", language(), name=item.key, value=value, allowed=allowed))


def write_address(values: dict[str, str | None]) -> None:
    """Keep settings in the page's address (``None`` removes one), so that the page
    can be bookmarked; a value already there is not written again."""
    for key, value in values.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value
