"""The trade-off page: set a policy, run it, and watch the throughput–stability chart
gain a point per run."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from sim.analysis.labels import category_label, group_label, measure_label, number, percent
from sim.analysis.tradeoff import STABILITY_YEARS
from sim.app import controls as ctl
from sim.app.budget import Cost, run_cost
from sim.app.charts import (
    MEASURES,
    frontier_chart,
    over_time_chart,
    points_frame,
    tradeoff_chart,
)
from sim.app.other_pages import numbers_shown, show_table
from sim.app.panels import chart_row
from sim.app.runs import Point, Tick
from sim.app.session import (
    Chosen,
    address_controls,
    cancellable,
    chosen,
    language,
    pasted,
    presenting,
    runner,
    show_input_error,
    tell_cancelled,
    within_budget,
    write_address,
)
from sim.app.text import contract, say
from sim.config.errors import InputError
from sim.config.loader import comment_line, plain_data, validate_data
from sim.config.yaml_io import dump_yaml

PAGE = "tradeoff"
GRID_SHOWN = "grid_shown"  # the dwellings of the last full grid: draw it as a frontier
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
                text = f"{text} {percent(probability, lang)}"
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


def _start(key: str, value: Any) -> None:
    """A widget's starting value, unless the session (or the page's address) set it:
    widgets are drawn without a default, so that both ways agree."""
    st.session_state.setdefault(key, value)


def _from_address(base: Chosen) -> None:
    """Set the controls the page's address named for this baseline (once)."""
    wanted = address_controls(base.name)
    if wanted is None:
        return
    k = wanted.category
    st.session_state[_key(base, "category")] = k
    st.session_state[_key(base, f"contract:{k}")] = wanted.contract_years
    st.session_state[_key(base, f"renewal:{k}")] = wanted.renewal
    st.session_state[_key(base, f"probability:{k}")] = round(100 * wanted.renewal_probability)
    st.session_state[_key(base, "after")] = wanted.after_nonrenewal
    st.session_state[_key(base, "followup")] = wanted.followup_capacity
    st.session_state[_key(base, "units")] = wanted.units_per_year
    st.session_state[_key(base, "flexbo")] = wanted.flexbo_units
    st.session_state[_key(base, "flexbo_group")] = wanted.flexbo_group


def read_controls(base: Chosen, lang: str) -> ctl.Controls:
    """Draw the controls (starting at the baseline's values, or the address's) and
    return their values. Dwellings and groups are shown by their labels."""
    scenario = base.scenario
    _from_address(base)
    _start(_key(base, "category"), ctl.contract_category(scenario))
    category = st.selectbox(
        say("category", lang),
        list(scenario.stock),
        format_func=lambda key: category_label(scenario, key, lang),
        key=_key(base, "category"),
    )
    start = ctl.baseline_controls(scenario, category)
    _start(_key(base, f"contract:{category}"), start.contract_years)
    contract_years = st.selectbox(
        say("contract", lang),
        ctl.contract_lengths(scenario, category),
        format_func=lambda years: contract(years, lang),
        key=_key(base, f"contract:{category}"),
    )
    _start(_key(base, f"renewal:{category}"), start.renewal)
    renewal = st.selectbox(
        say("renewal", lang),
        ctl.RENEWALS,
        format_func=lambda rule: say(f"renewal_{rule}", lang),
        key=_key(base, f"renewal:{category}"),
    )
    probability = start.renewal_probability
    if renewal == "discretionary":
        _start(_key(base, f"probability:{category}"), round(100 * start.renewal_probability))
        percent = st.slider(
            say("renewal_probability", lang),
            0,
            100,
            step=5,
            format="%d %%",
            key=_key(base, f"probability:{category}"),
        )
        probability = percent / 100
    _start(_key(base, "after"), ctl.BASELINE)
    after = st.selectbox(
        say("after", lang),
        ctl.DESTINATIONS,
        format_func=lambda where: say(f"after_{where}", lang),
        key=_key(base, "after"),
    )
    followup_key = _key(base, "followup")
    _start(followup_key, start.followup_capacity)
    followup = st.number_input(say("followup", lang), 0, ctl.MAX_UNITS, step=1, key=followup_key)
    st.button(
        say("double_followup", lang),
        on_click=_double_followup,
        args=(followup_key,),
        key=_key(base, "double"),
    )
    _start(_key(base, "units"), 0)
    units = st.number_input(
        say("units_per_year", lang), 0, ctl.MAX_UNITS, step=1, key=_key(base, "units")
    )
    _start(_key(base, "flexbo"), 0)
    flexbo = st.number_input(
        say("flexbo", lang), 0, ctl.MAX_UNITS, step=1, key=_key(base, "flexbo")
    )
    _start(_key(base, "flexbo_group"), start.flexbo_group)
    group = st.selectbox(
        say("flexbo_group", lang),
        list(scenario.groups),
        format_func=lambda key: group_label(scenario, key, lang),
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


def scenario_file(base: Chosen, found: list[ctl.Change]) -> tuple[str, str]:
    """The page's settings as a scenario file that ``sim run`` accepts, and its file
    name: the baseline as written out (``scenario.resolved.yaml``) with the changes
    applied, named ``<baseline>-app`` (its label dropped: it is not the baseline)."""
    scenario = ctl.apply(base.scenario, found) if found else base.scenario
    data = plain_data(scenario)
    made = f"Made by sim app from {base.scenario.name}"
    if found:
        data["name"] = f"{base.scenario.name}-app"[-64:].lstrip("-_.") or "app"
        data.pop("label", None)
        data["description"] = f"{base.scenario.name} with {change_label(found, 'en')}"
        made += f" with {change_label(found, 'en')}"
    posterior = scenario.posterior
    if posterior is not None:  # a browser is never given a server path
        data.pop("calibration", None)
    validate_data(data, "<download>", read_files=False)  # as sim run will read it
    header = comment_line(made) + comment_line(
        "Run it with: sim run FILE; or upload it again in the app (Your own scenario)."
    )
    if posterior is not None:
        header += comment_line(
            f"The app ran it over the posterior of the calibration ({Path(posterior.file).name},"
            " in calibration/fit/ of the sim repository); this file runs at the calibrated"
            " values. To run it over the posterior, add: calibration: {posterior: PATH}"
        )
    return f"{data['name']}.yaml", header + dump_yaml(data)


@st.fragment
def show(replications: int) -> None:
    """The page; a fragment, so that a click here redraws this page only. Run and Reset
    come first and the chart beside them, so that both are in view on a laptop screen;
    in presenter mode the policy is folded away."""
    lang = language()
    base = chosen()
    presenter = presenting()
    left, right = st.columns([1, 4] if presenter else [1, 2.6], gap="medium")
    with left:
        buttons = st.container()
        running = st.container()
        budget = st.container()
        policy = st.expander(say("controls", lang), expanded=False) if presenter else st.container()
        with policy:
            wanted = read_controls(base, lang)
            more = st.container()  # the full grid and the download, after the controls
    st.session_state[f"controls:{base.name}"] = wanted  # the compare page's alternative
    found = ctl.changes(base.scenario, wanted)
    params = ctl.to_params(base.scenario, wanted) if base.name not in pasted() else {}
    write_address({key: params.get(key) for key in ctl.PARAMS})
    cost = _cost(base, found, replications)
    with budget:
        allowed = within_budget(cost, _key(base, "confirm"))
    with buttons:
        run = st.button(
            say("run", lang), type="primary", key="run", disabled=not allowed, width="stretch"
        )
        reset = st.button(say("reset", lang), key="reset", width="stretch")
        tell_cancelled(PAGE)
    with more:
        grid = st.button(say("full_grid", lang), help=say("full_grid_help", lang), key="grid")
        _download(base, found, lang)
    try:
        if reset:
            _points(base.name).clear()
            st.session_state.pop("charts", None)  # ids of the cleared runs may be reused
            st.session_state.pop(_key(base, GRID_SHOWN), None)
        if run and allowed:
            with running, cancellable(cost, PAGE) as tick:
                _run(base, found, replications, tick)
        if grid:
            with running:
                _run_grid(base, wanted.category, replications, lang, cost)
            st.session_state[_key(base, GRID_SHOWN)] = wanted.category
    except InputError as error:
        with right:
            show_input_error(error)
    with right:
        _draw(_points(base.name), lang, presenter, _frontier(base, lang))


def _frontier(base: Chosen, lang: str) -> tuple[Any, Any] | None:
    """After the full grid: its runs as a frontier (one line per renewal rule through the
    contract lengths) for the dwellings the grid varied; else None."""
    category = st.session_state.get(_key(base, GRID_SHOWN))
    if category not in base.scenario.stock:
        return None
    start = ctl.baseline_controls(base.scenario, category)
    return frontier_chart(_points(base.name), start.contract_years, start.renewal, lang)


def _download(base: Chosen, found: list[ctl.Change], lang: str) -> None:
    """The settings as a scenario file (nothing where the changes are not valid: Run
    tells why)."""
    try:
        name, text = scenario_file(base, found)
    except InputError:
        return
    st.download_button(
        say("download", lang),
        data=text,
        file_name=name,
        mime="application/x-yaml",
        help=say("download_help", lang),
        on_click="ignore",
        key="download",
    )


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


def _draw(
    history: list[tuple[list[ctl.Change], Point]],
    lang: str,
    presenter: bool,
    frontier: tuple[Any, Any] | None = None,
) -> None:
    if not history:
        st.info(say("no_points", lang))
        return
    tradeoff, over_time = _charts(history, lang)
    points = _shown(history, lang)
    last = points[-1]
    if frontier is not None and len(frontier[0]):
        st.markdown(f"**{say('frontier_title', lang)}**")
        chart_row(frontier[0], frontier[1], "frontier_chart", presenter)
        st.caption(say("frontier_caption", lang))
    else:
        st.markdown(f"**{tradeoff[1].get('title', '')}**")
        chart_row(tradeoff[0], tradeoff[1], "tradeoff_chart", presenter)
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
    if presenter:
        return  # one chart for a projector
    st.caption(say("chart_caption", lang))
    st.subheader(say("over_time", lang))
    chart_row(over_time[0], over_time[1], "over_time_chart", presenter)
    with st.expander(say("table", lang)):
        show_table(_table(points, lang))


def _table(points: list[Point], lang: str) -> pd.DataFrame:
    frame = points_frame(points)
    columns: dict[str, Any] = {
        "label": say("run_label", lang),
        **{name: measure_label(name, lang, STABILITY_YEARS) for name in MEASURES},
    }
    return numbers_shown(frame[list(columns)].rename(columns=columns), lang)
