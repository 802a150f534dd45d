"""The compare, units-needed and about pages."""

from __future__ import annotations

import functools
import math
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import streamlit as st
from pandas.api.types import (
    is_bool_dtype,
    is_integer_dtype,
    is_numeric_dtype,
    is_string_dtype,
)

from sim.analysis.compare import Comparison
from sim.analysis.labels import (
    category_label,
    group_label,
    is_money,
    kroner,
    metric_number,
    number,
    scenario_label,
    shown,
    unit,
)
from sim.analysis.sizing_estimate import analytic_units
from sim.analysis.sizing_question import SizingQuestion, sizing_question
from sim.app import controls as ctl
from sim.app.about import about_rows, header_text
from sim.app.budget import run_cost, sizing_runs
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
from sim.app.text import metric, say
from sim.config import comments as about
from sim.config.errors import InputError
from sim.config.loader import load_scenario, read_yaml
from sim.config.schema import Scenario
from sim.model.catalogue import CATALOGUE

SENTENCE_METRICS = (
    "waiting",
    "homeless_waiting",
    "hospits_nights",
    "forced_moves",
    "allocations",
    "wait_years_mean",
    "cost_total",
    "cost_net",
)
"""The comparison's results told in words, in this order (the costs where priced)."""

CONTROLS = "controls"


def sentence(row: pd.Series, lang: str) -> str:
    """A paired difference in plain words: "about 12 fewer …, 95 % interval 8 to 16"; a
    cost in kroner a year, written the language's way to three significant figures (an
    estimate over replications claims no more)."""
    name = metric(str(row.metric), lang)
    year = str(row.year)
    difference, low, high = float(row.difference), float(row.ci_low), float(row.ci_high)
    money = is_money(str(row.metric))
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 <= high:
        if money:
            diff = kroner(_figures(difference), lang, signed=True)
            return say("no_change_money", lang, metric=name, year=year, diff=diff,
                       low=kroner(_figures(low), lang),
                       high=kroner(_figures(high), lang))  # fmt: skip
        return say("no_change", lang, metric=name, year=year, diff=difference, low=low, high=high)
    counted = CATALOGUE[str(row.metric)].count
    words = ("fewer", "more") if counted else ("lower", "higher")
    direction = say(words[0] if difference < 0 else words[1], lang)
    bounds = sorted((abs(low), abs(high)))
    amount = abs(difference)
    if money:
        return say("difference_money", lang, metric=name, year=year,
                   amount=kroner(_figures(amount), lang), direction=direction,
                   low=kroner(_figures(bounds[0]), lang),
                   high=kroner(_figures(bounds[1]), lang))  # fmt: skip
    digits = 0 if amount >= 10 else 1 if amount >= 0.1 else 2
    return say("difference", lang, metric=name, year=year, amount=amount, direction=direction,
               unit=unit(str(row.metric), lang), low=bounds[0], high=bounds[1],
               digits=digits)  # fmt: skip


def _figures(value: float) -> float:
    """``value`` to three significant figures (1 929 638 -> 1 930 000)."""
    return float(f"{value:.3g}")


def _alternative(base: Chosen, choice: str) -> tuple[object, str]:
    """The alternative scenario and its name: the trade-off page's policy or a file."""
    if choice == CONTROLS:
        wanted = st.session_state.get(f"controls:{base.name}")
        found = ctl.changes(base.scenario, wanted) if wanted is not None else []
        if not found:
            return None, ""
        return ctl.apply(base.scenario, found), ""
    return load_scenario(base.policies[choice]), choice


def policy_label(name: str, file: Path, lang: str) -> str:
    """A policy file's display name in the language (its ``label``), else ``name``."""
    label = _written_label(file)
    if isinstance(label, dict):
        return shown(SimpleNamespace(nb=label.get("nb", ""), en=label.get("en", "")), name, lang)
    return shown(str(label or ""), name, lang)


@functools.lru_cache(maxsize=256)
def _written_label(file: Path) -> object:
    """The ``label`` a scenario file gives itself (read once per server)."""
    try:
        return read_yaml(file).get("label")
    except InputError:
        return None


def comparison_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The paired differences with headers and measure names in the language."""
    shown = pd.DataFrame(
        {
            say("col_metric", lang): [metric(name, lang) for name in table.metric],
            say("col_year", lang): [
                say("all_years", lang) if year == "all" else year for year in table.year
            ],
            say("col_base", lang): table.base_mean,
            say("col_alternative", lang): table.alternative_mean,
            say("col_difference", lang): table.difference,
            say("col_low", lang): table.ci_low,
            say("col_high", lang): table.ci_high,
            say("col_replications", lang): table.n,
        }
    )
    out = numbers_shown(shown, lang)
    if any(is_money(str(name)) for name in table.metric):  # costs in kroner, every row as text
        for column, values in (
            ("col_base", table.base_mean),
            ("col_alternative", table.alternative_mean),
            ("col_difference", table.difference),
            ("col_low", table.ci_low),
            ("col_high", table.ci_high),
        ):
            out[say(column, lang)] = [
                metric_number(float(v), str(m), lang, signed=column == "col_difference")
                for v, m in zip(values, table.metric, strict=True)
            ]
    return out


def sizing_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The units tried, with headers in the language."""
    shown = pd.DataFrame(
        {
            say("col_units", lang): table.units,
            say("col_value", lang): table.metric_mean,
            say("col_low", lang): table.metric_ci_low.clip(lower=0.0),  # a count or years
            say("col_high", lang): table.metric_ci_high,
            say("col_probability", lang): table.probability,
            say("col_replications", lang): table.replications,
            say("col_chosen", lang): table.chosen,
        }
    )
    return numbers_shown(shown, lang)


def numbers_shown(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` for the page: in Norwegian every number column as text written the
    Norwegian way (:func:`number`; the table widget writes numbers the English way), in
    English the numbers rounded to three decimals."""
    if lang != "nb":
        return frame.round(3)
    shown = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if is_bool_dtype(values) or not is_numeric_dtype(values):
            continue
        digits = 0 if is_integer_dtype(values) else None
        shown[column] = [number(float(value), lang, digits) for value in values]
    return shown


def show_table(frame: pd.DataFrame) -> None:
    """A table of :func:`numbers_shown`, numbers written as text aligned right."""
    texts = [c for c in frame.columns if frame[c].dtype == object or is_string_dtype(frame[c])]
    aligned = {
        column: st.column_config.TextColumn(alignment="right")
        for column in texts
        if column != frame.columns[0]
    }
    st.dataframe(frame, hide_index=True, column_config=aligned)


def show_compare(replications: int) -> None:
    lang = language()
    base = chosen()
    st.write(say("compare_intro", lang))
    options = [CONTROLS, *base.policies]
    choice = st.selectbox(
        say("alternative", lang),
        options,
        format_func=lambda name: (
            say("alt_controls", lang)
            if name == CONTROLS
            else policy_label(name, base.policies[name], lang)
        ),
        key=f"{base.name}:alternative",
    )
    key = f"comparison:{base.name}"
    cost = run_cost(base.scenario, replications, runner().workers, runs=2)
    allowed = within_budget(cost, f"{base.name}:compare_confirm")
    tell_cancelled("compare")
    if st.button(say("compare_run", lang), type="primary", key="compare", disabled=not allowed):
        try:
            alternative, _ = _alternative(base, choice)
            if alternative is None:
                st.warning(say("same_scenario", lang))
            else:
                running = st.spinner(say("running", lang, n=2 * replications))
                with running, cancellable(cost, "compare") as tick:
                    result = runner().compare(
                        base.scenario,
                        alternative,  # type: ignore[arg-type]
                        replications,
                        tick,
                    )
                    st.session_state[key] = result
        except InputError as error:
            show_input_error(error)
    comparison: Comparison | None = st.session_state.get(key)
    if comparison is None:
        return
    table = comparison.table
    years = [year for year in dict.fromkeys(table.year) if year != "all"]
    year = st.select_slider(say("compare_year", lang), years, value=years[-1], key="compare_year")
    chosen_rows = table[(table.year == year) & table.metric.isin(SENTENCE_METRICS)]
    order = {name: i for i, name in enumerate(SENTENCE_METRICS)}
    for _, row in chosen_rows.sort_values("metric", key=lambda m: m.map(order)).iterrows():
        st.markdown(f"- {sentence(row, lang)}")
    with st.expander(say("compare_table", lang)):
        show_table(comparison_table(table, lang))


def show_units(replications: int) -> None:
    lang = language()
    base = chosen()
    scenario = base.scenario
    st.write(say("units_intro", lang))
    left, right = st.columns(2)
    categories = list(scenario.stock)
    groups = list(scenario.groups)
    first, last = scenario.time.start, scenario.time.end - 1
    with left:
        category = st.selectbox(
            say("units_category", lang),
            categories,
            index=categories.index(ctl.contract_category(scenario)),
            format_func=lambda name: category_label(scenario, name, lang),
            key=f"{base.name}:size_category",
        )
        eligible = [g for g in groups if category in scenario.groups[g].eligible] or groups
        group = st.selectbox(
            say("units_group", lang),
            eligible,
            format_func=lambda name: group_label(scenario, name, lang),
            key=f"{base.name}:size_group",
        )
        measure = st.selectbox(
            say("units_metric", lang),
            ("waiting", "wait_years_mean"),
            format_func=lambda name: metric(name, lang, with_unit=True),
            key=f"{base.name}:size_metric",
        )
        limit = st.number_input(
            say("units_limit", lang), 0.0, 10_000.0, value=5.0, key=f"{base.name}:size_limit"
        )
    with right:
        start = st.number_input(
            say("units_from", lang), first, last, value=first, key=f"{base.name}:size_from"
        )
        end = st.number_input(
            say("units_to", lang), first, last, value=last, key=f"{base.name}:size_to"
        )
        confidence = st.slider(
            say("units_confidence", lang), 0.5, 0.95, 0.8, 0.05, key=f"{base.name}:size_conf"
        )
    try:
        target = f"{measure}[group={group}] <= {limit:g}"
        question = sizing_question(
            scenario, category, target, int(start), int(end), float(confidence)
        )
        estimate = _analytic(scenario, question)
        if estimate["arrivals_per_year"] == 0:
            st.info(say("analytic_none", lang))
        else:
            st.info(
                say(
                    "analytic",
                    lang,
                    units=estimate["units"],
                    servers=estimate["servers"],
                    have=estimate["units_now"],
                    arrivals=estimate["arrivals_per_year"],
                )
            )
        runs = sizing_runs(question.max_units)
        cost = run_cost(scenario, replications, runner().workers, runs=runs)
        allowed = within_budget(cost, f"{base.name}:size_confirm")
        tell_cancelled("units")
        if st.button(say("simulate", lang), key="simulate", disabled=not allowed):
            began = time.perf_counter()
            result = None
            with (
                st.spinner(say("running", lang, n=replications)),
                cancellable(cost, "units") as tick,
            ):
                result = runner().size(scenario, question, replications, tick)
            if result is None:  # cancelled
                return
            seconds = time.perf_counter() - began
            if result.answer is None:
                st.warning(say("simulated_none", lang, max=question.max_units))
            else:
                st.success(
                    say(
                        "simulated",
                        lang,
                        units=result.answer,
                        confidence=confidence,
                        seconds=seconds,
                    )
                )
            with st.expander(say("tried", lang)):
                show_table(sizing_table(result.table, lang))
                st.caption(say("interval_caption", lang))
    except InputError as error:
        show_input_error(error)


ANALYTIC = "analytic"  # session state: the last analytic estimates


def _analytic(scenario: Scenario, question: SizingQuestion) -> dict[str, Any]:
    """The analytic estimate, computed once per scenario and question in a session:
    redrawing the page does not compute it again."""
    memo: dict[Any, tuple[Scenario, dict[str, Any]]] = st.session_state.setdefault(ANALYTIC, {})
    known = memo.get((id(scenario), question))
    if known is not None and known[0] is scenario:
        return known[1]
    if len(memo) >= 32:
        memo.clear()
    estimate = analytic_units(scenario, question)
    memo[(id(scenario), question)] = (scenario, estimate)
    return estimate


def about_table(
    notes: about.FileNotes,
    dictionary: dict[str, tuple[str, str]],
    lang: str,
    english: bool = False,
    scenario: Scenario | None = None,
) -> pd.DataFrame:
    """One file's keys as the about page shows them: key, the group or dwelling category
    it belongs to (by its display name in ``scenario``), value (rounded), source in the
    language, meaning; in Norwegian the files' English comments and meanings only with
    ``english``."""
    rows = about_rows(notes, dictionary, lang)
    columns: dict[str, list[str]] = {
        say("about_key", lang): [row.key for row in rows],
    }
    if scenario is not None:
        columns[say("about_of", lang)] = [_belongs_to(row.key, scenario, lang) for row in rows]
    columns |= {
        say("about_value", lang): [row.value for row in rows],
        say("about_source", lang): [row.source for row in rows],
    }
    if lang != "nb":
        columns[say("about_meaning", lang)] = [row.meaning for row in rows]
    elif english:
        columns[say("about_comment", lang)] = [row.comment for row in rows]
        columns[say("about_meaning_en", lang)] = [row.meaning for row in rows]
    return pd.DataFrame(columns)


def _belongs_to(key: str, scenario: Scenario, lang: str) -> str:
    """The display name of the group or dwelling category a key is of (``groups.rus.*``,
    ``stock.ordinary.*``), else nothing."""
    parts = key.split(".")
    if len(parts) < 2:
        return ""
    if parts[0] == "groups":
        return group_label(scenario, parts[1], lang)
    if parts[0] == "stock":
        return category_label(scenario, parts[1], lang)
    return ""


def show_about() -> None:
    lang = language()
    base = chosen()
    st.subheader(scenario_label(base.scenario, lang))
    st.write(say("about_intro", lang))
    st.caption(say("about_app", lang))
    if base.file is None:
        st.info(say("about_pasted", lang))
        return
    dictionary = about.data_dictionary(base.file.parent)
    find = st.text_input(say("about_filter", lang), key="about_filter", max_chars=100)
    english = lang == "nb" and st.checkbox(say("about_english", lang), key="about_english")
    st.caption(say("about_values", lang))
    for i, notes in enumerate(about.assumptions(base.file)):
        with st.expander(say("about_file", lang, file=notes.name), expanded=i == 0):
            header = header_text(notes, lang)
            if header:
                st.markdown(f"**{say('about_header', lang)}**")
                if header == notes.header:  # as written, with its own layout
                    st.text(header)
                else:
                    st.write(header)
            if english and notes.header:
                st.text(notes.header)
            frame = about_table(notes, dictionary, lang, english, base.scenario)
            if find:
                frame = frame[_matches(frame, find.lower())]
            st.dataframe(frame, hide_index=True, width="stretch")


def _matches(frame: pd.DataFrame, needle: str) -> pd.Series:
    """Rows with ``needle`` in any cell (lower case)."""
    return frame.apply(lambda row: any(needle in str(cell).lower() for cell in row), axis=1)
