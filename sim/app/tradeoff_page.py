"""The trade-off page: set a policy, run it, and watch the throughput–stability chart
gain a point per run."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from sim.analysis.labels import measure_label, number
from sim.analysis.tradeoff import STABILITY_YEARS
from sim.app import controls as ctl
from sim.app.budget import Cost, run_cost
from sim.app.charts import MEASURES, over_time_chart, points_frame, tradeoff_chart
from sim.app.runs import Point, Tick
from sim.app.session import (
    Chosen,
    cancellable,
    chosen,
    language,
    runner,
    show_input_error,
    tell_cancelled,
    within_budget,
)
from sim.app.text import contract, say
from sim.config.errors import InputError

PAGE = "tradeoff"
GRID_CONTRACTS: tuple[float | None, ...] = (1.0, 3.0, 5.0, None)
GRID_RENEWALS = ("strict", "discretionary", "needs_based", "differentiated")
"""The grid of ``sim tradeoff`` in the README: contract lengths times renewal rules."""


def change_label(found: list[ctl.Change], lang: str) -> str:
    """What changed, in words: ``1 year contracts, renewal: strict, +15 flexbo``."""
    if not found:
        return say("label_baseline", lang)
    parts = []
    for change in found:
        if change.key == "contract_years":
            parts.append(say("label_contract", lang, value=contract(change.value, lang)))
        elif change.key == "renewal":
            rule, probability = change.value
            text = say(f"renewal_{rule}", lang).split(":")[0].split(" (")[0]
            if probability is not None:
                text = f"{text} {probability:.0%}"
            parts.append(say("label_renewal", lang, value=text))
        elif change.key == "after_nonrenewal":
            parts.append(say("label_after", lang, value=say(f"after_{change.value}", lang)))
        elif change.key == "followup_capacity":
            parts.append(say("label_followup", lang, value=change.value))
        elif change.key == "units_per_year":
            parts.append(say("label_units", lang, value=change.value))
        elif change.key == "flexbo_units":
            parts.append(say("label_flexbo", lang, value=change.value[0]))
    return ", ".join(parts)


def _points(name: str) -> list[tuple[list[ctl.Change], Point]]:
    store: dict[str, list[tuple[list[ctl.Change], Point]]] = st.session_state.setdefault(
        "points", {}
    )
    return store.setdefault(name, [])


def _key(base: Chosen, name: str) -> str:
    """Widget keys per baseline: each baseline keeps its own settings."""
    return f"{base.name}:{name}"


def _double_followup(key: str) -> None:
    st.session_state[key] = min(ctl.MAX_UNITS, 2 * int(st.session_state.get(key, 0)))


def read_controls(base: Chosen, lang: str) -> ctl.Controls:
    """Draw the controls (starting at the baseline's values) and return their values."""
    scenario = base.scenario
    categories = list(scenario.stock)
    category = st.selectbox(
        say("category", lang),
        categories,
        index=categories.index(ctl.contract_category(scenario)),
        key=_key(base, "category"),
    )
    start = ctl.baseline_controls(scenario, category)
    lengths = list(dict.fromkeys([start.contract_years, *ctl.CONTRACT_CHOICES]))
    lengths.sort(key=lambda years: float("inf") if years is None else years)
    contract_years = st.selectbox(
        say("contract", lang),
        lengths,
        index=lengths.index(start.contract_years),
        format_func=lambda years: contract(years, lang),
        key=_key(base, f"contract:{category}"),
    )
    renewal = st.selectbox(
        say("renewal", lang),
        ctl.RENEWALS,
        index=ctl.RENEWALS.index(start.renewal),
        format_func=lambda rule: say(f"renewal_{rule}", lang),
        key=_key(base, f"renewal:{category}"),
    )
    probability = start.renewal_probability
    if renewal == "discretionary":
        probability = st.slider(
            say("renewal_probability", lang),
            0.0,
            1.0,
            value=start.renewal_probability,
            step=0.05,
            key=_key(base, f"probability:{category}"),
        )
    after = st.selectbox(
        say("after", lang),
        ctl.DESTINATIONS,
        format_func=lambda where: say(f"after_{where}", lang),
        key=_key(base, "after"),
    )
    followup_key = _key(base, "followup")
    st.session_state.setdefault(followup_key, start.followup_capacity)
    followup = st.number_input(say("followup", lang), 0, ctl.MAX_UNITS, step=1, key=followup_key)
    st.button(
        say("double_followup", lang),
        on_click=_double_followup,
        args=(followup_key,),
        key=_key(base, "double"),
    )
    units = st.number_input(
        say("units_per_year", lang), 0, ctl.MAX_UNITS, value=0, step=1, key=_key(base, "units")
    )
    flexbo = st.number_input(
        say("flexbo", lang), 0, ctl.MAX_UNITS, value=0, step=1, key=_key(base, "flexbo")
    )
    groups = list(scenario.groups)
    group = st.selectbox(
        say("flexbo_group", lang),
        groups,
        index=groups.index(start.flexbo_group),
        key=_key(base, "flexbo_group"),
    )
    return ctl.Controls(
        category=category,
        contract_years=contract_years,
        renewal=renewal,
        renewal_probability=float(probability),
        after_nonrenewal=after,
        followup_capacity=int(followup),
        units_per_year=int(units),
        flexbo_units=int(flexbo),
        flexbo_group=group,
    )


def _run(base: Chosen, found: list[ctl.Change], replications: int, tick: Tick) -> None:
    scenario = ctl.apply(base.scenario, found)
    settings = tuple(setting for change in found for setting in change.settings)
    label = change_label(found, "en")
    point = runner().point(scenario, label, settings, replications, tick=tick)
    _points(base.name).append((found, point))


GRID = list(itertools.product(GRID_CONTRACTS, GRID_RENEWALS))


def _run_grid(base: Chosen, category: str, replications: int, lang: str, cost: Cost) -> None:
    """Every point of the README's ``sim tradeoff`` grid, for the chosen dwellings: only
    within the soft budget (there is no box to confirm a grid)."""
    cost = replace(cost, events=cost.events * len(GRID))
    if cost.refused or cost.needs_confirmation:
        st.error(
            say(
                "grid_too_large",
                lang,
                events=number(cost.events, lang, 0),
                minutes=number(cost.seconds / 60, lang, 0),
            )
        )
        return
    start = ctl.baseline_controls(base.scenario, category)
    progress = st.progress(0.0)
    with cancellable(cost, PAGE) as tick:
        for i, (years, rule) in enumerate(GRID, start=1):
            progress.progress(i / len(GRID), say("grid_running", lang, i=i, n=len(GRID)))
            wanted = replace(start, contract_years=years, renewal=rule)
            _run(base, ctl.changes(base.scenario, wanted), replications, tick)
    progress.empty()


def _cost(base: Chosen, found: list[ctl.Change], replications: int) -> Cost:
    """The estimated cost of a run of the controls' scenario."""
    try:
        scenario = ctl.apply(base.scenario, found) if found else base.scenario
    except InputError:  # told when Run is pressed
        scenario = base.scenario
    return run_cost(scenario, replications, runner().workers)


@st.fragment
def show(replications: int) -> None:
    """The page; a fragment, so that a click here redraws this page only."""
    lang = language()
    base = chosen()
    left, right = st.columns([1, 2.4], gap="large")
    with left:
        st.subheader(say("controls", lang))
        wanted = read_controls(base, lang)
        st.session_state[f"controls:{base.name}"] = wanted  # the compare page's alternative
        found = ctl.changes(base.scenario, wanted)
        cost = _cost(base, found, replications)
        allowed = within_budget(cost, _key(base, "confirm"))
        run = st.button(say("run", lang), type="primary", key="run", disabled=not allowed)
        reset = st.button(say("reset", lang), key="reset")
        grid = st.button(say("full_grid", lang), help=say("full_grid_help", lang), key="grid")
        tell_cancelled(PAGE)
    try:
        if reset:
            _points(base.name).clear()
            st.session_state.pop("charts", None)  # ids of the cleared runs may be reused
        if run and allowed:
            with left, cancellable(cost, PAGE) as tick:
                _run(base, found, replications, tick)
        if grid:
            with left:
                _run_grid(base, wanted.category, replications, lang, cost)
    except InputError as error:
        with right:
            show_input_error(error)
    with right:
        _draw(_points(base.name), lang)


def _charts(history: list[tuple[list[ctl.Change], Point]], lang: str) -> tuple[Any, Any]:
    """The two charts, made once per set of runs and language (redrawing the page after
    another control is moved reuses them)."""
    key = (tuple(id(point) for _, point in history), lang)
    cache = st.session_state.setdefault("charts", {})
    if key not in cache:
        cache.clear()
        points = _shown(history, lang)
        cache[key] = (tradeoff_chart(points, lang), over_time_chart(points, lang))
    return cache[key]  # type: ignore[no-any-return]


def _shown(history: list[tuple[list[ctl.Change], Point]], lang: str) -> list[Point]:
    """The runs labelled in the page's language."""
    return [replace(point, label=change_label(found, lang)) for found, point in history]


def _draw(history: list[tuple[list[ctl.Change], Point]], lang: str) -> None:
    if not history:
        st.info(say("no_points", lang))
        return
    tradeoff, over_time = _charts(history, lang)
    points = _shown(history, lang)
    last = points[-1]
    cached = say("cached", lang) if last.cached else ""
    st.caption(
        say(
            "ran",
            lang,
            label=last.label,
            reps=last.replications,
            seconds=last.seconds,
            cached=cached,
        )
    )
    st.markdown(f"**{say('points', lang, n=len(points))}**")
    st.vega_lite_chart(tradeoff[0], tradeoff[1], key="tradeoff_chart")
    st.caption(say("chart_caption", lang))
    st.subheader(say("over_time", lang))
    st.vega_lite_chart(over_time[0], over_time[1], key="over_time_chart")
    with st.expander(say("table", lang)):
        st.dataframe(_table(points, lang), hide_index=True)


def _table(points: list[Point], lang: str) -> pd.DataFrame:
    frame = points_frame(points)
    columns: dict[str, Any] = {
        "label": say("run_label", lang),
        **{name: measure_label(name, lang, STABILITY_YEARS) for name in MEASURES},
    }
    return frame[list(columns)].rename(columns=columns).round(3)
