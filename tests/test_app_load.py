"""Functional tests of the app under load and name clashes (Streamlit's AppTest), with
unit tests of the parts: the run budget refuses a huge pasted scenario before any work,
the units page's analytic estimate is computed once, not on every redraw, a run can be
cancelled and the pool serves the next one, and a pasted name never hides a baseline.

Pages run serially (``jobs`` 1) on ``tests/data/app-small.yaml``, as in
``tests/test_app_page.py``.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from helpers import open_app
from streamlit.testing.v1 import AppTest

import sim.analysis.sizing_estimate as sizing_estimate
import sim.runner.replications as replications
from sim.app import budget
from sim.app.runs import Runner
from sim.config.loader import load_scenario, scenario_from
from sim.model.housing import HousingModel
from sim.runner.pool import Cancelled, WorkerPool

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "app-small.yaml"
HUGE = "time: {years: 1000}\nstock: {ordinary: {units: 100000}}\n"
BUSY = "groups: {disadvantaged: {applications_per_year: 100000}}\n"


@pytest.fixture
def app(monkeypatch):
    test = open_app(monkeypatch, [SMALL])
    test.selectbox(key="baseline").set_value("app-small")
    test.slider(key="replications").set_value(2)
    test.run()
    return test


def paste(app: AppTest, text: str) -> AppTest:
    app.text_area(key="paste_text").input(text)
    app.button[-1].click()  # the form's submit button
    app.run()
    assert not app.exception, app.exception
    return app


def no_replication(monkeypatch) -> list[int]:
    """Make every replication that starts in this process a failure, counted."""
    started: list[int] = []

    def refuse(scenario, replication, track=False):
        started.append(replication)
        raise AssertionError("a replication started")

    monkeypatch.setattr(replications, "run_replication", refuse)
    return started


def test_a_huge_pasted_scenario_is_refused_before_any_work(app, monkeypatch) -> None:
    started = no_replication(monkeypatch)
    paste(app, HUGE)
    assert app.selectbox(key="baseline").value == "app-small-pasted"
    refusals = [e.value for e in app.error if "Too large to run here" in e.value]
    assert len(refusals) == 3, [e.value for e in app.error]  # trade-off, compare, units
    assert f"{budget.HARD_BUDGET:,} events" in refusals[0]
    assert all(app.button(key=key).disabled for key in ("run", "compare", "simulate"))
    app.button(key="grid").click()  # sixteen runs: refused by the same budget
    app.run()
    assert not app.exception, app.exception
    assert any("The full grid is too large" in e.value for e in app.error)
    assert started == []
    assert not app.session_state["points"].get("app-small-pasted")
    app.radio(key="language").set_value("nb")
    app.run()
    assert any("For stor til å kjøres her" in e.value for e in app.error)


def test_a_run_between_the_budgets_needs_a_confirmation(app, monkeypatch) -> None:
    monkeypatch.setattr(budget, "SOFT_BUDGET", 1000)  # app-small's run is about 14,000
    app.run()
    assert app.button(key="run").disabled
    box = app.checkbox(key="app-small:confirm")
    assert "This run is large" in box.label
    box.check()
    app.run()
    assert not app.button(key="run").disabled
    app.button(key="run").click()
    app.run()
    assert not app.exception and len(app.session_state["points"]["app-small"]) == 1


def test_the_units_page_computes_its_estimate_once(app, monkeypatch) -> None:
    erlang = sizing_estimate.erlang_c_wait

    def bounded(c: int, arrival: float, service: float) -> float:
        assert c <= 10_000, f"an Erlang C formula of {c:,} servers from scratch"
        return erlang(c, arrival, service)

    monkeypatch.setattr(sizing_estimate, "erlang_c_wait", bounded)
    other_pages = pytest.importorskip("sim.app.other_pages")
    computed: list[object] = []

    def counted(scenario, question):
        computed.append(question)
        return sizing_estimate.analytic_units(scenario, question)

    monkeypatch.setattr(other_pages, "analytic_units", counted)
    paste(app, BUSY)
    assert not app.error, [e.value for e in app.error]
    estimates = [i.value for i in app.info if "Erlang C" in i.value]
    assert estimates and "60,000.0 arrivals a year" in estimates[0], estimates
    assert len(computed) == 1
    app.radio(key="language").set_value("nb")
    app.run()
    app.slider(key="replications").set_value(3)
    app.run()
    app.run()
    assert not app.exception
    assert len(computed) == 1  # three redraws, no new estimate
    app.number_input(key="app-small-pasted:size_limit").set_value(50.0)
    app.run()
    assert len(computed) == 2  # another question is estimated once


def test_a_pasted_name_never_hides_a_baseline(app) -> None:
    paste(app, "name: app-small\npolicy: {renewal: strict}\n")
    baseline = app.selectbox(key="baseline")
    assert baseline.value == "app-small (pasted)"
    assert "app-small" in baseline.options and "app-small (pasted)" in baseline.options
    assert any("'app-small (pasted)' is valid" in s.value for s in app.success)
    paste(app, "name: app-small\npolicy: {renewal: always}\n")
    assert app.selectbox(key="baseline").value == "app-small (pasted 2)"
    app.radio(key="language").set_value("nb")
    app.run()
    options = app.selectbox(key="baseline").options
    assert "app-small (limt inn)" in options and "app-small (limt inn 2)" in options
    pasted = app.session_state["pasted"]
    assert pasted["app-small (pasted)"].scenario.policy.renewal.at_year(2008).value == "strict"
    assert pasted["app-small (pasted 2)"].scenario.policy.renewal.at_year(2008).value == "always"
    app.selectbox(key="baseline").set_value("app-small")
    app.run()
    assert not any("no comments" in i.value for i in app.info)  # the shipped file's notes
    app.button(key="run").click()
    app.run()
    assert not app.exception
    runs = {name: len(found) for name, found in app.session_state["points"].items() if found}
    assert runs == {"app-small": 1}  # not mixed with the pasted scenarios' charts


def test_an_invalid_paste_shows_the_input_message(app) -> None:
    paste(app, "time: {years: 1001}\n")
    assert app.error and "time.years" in app.error[0].value
    assert app.selectbox(key="baseline").value == "app-small"


def test_the_estimate_is_an_upper_one_within_three_times_the_events() -> None:
    base = load_scenario(SMALL)
    for settings in ([], ["stock.ordinary.units=2000"], ["groups.rus.applications_per_year=900"]):
        scenario = scenario_from(base, settings)[0] if settings else base
        model = HousingModel(scenario, 0)
        model.run()
        events = model.engine.processed
        assert events <= budget.replication_events(scenario) <= 3 * events, settings
    huge = budget.run_cost(load_scenario(SMALL), 8, 2)
    assert not huge.refused and not huge.needs_confirmation


def test_cancel_stops_the_workers_and_the_pool_runs_the_next_job() -> None:
    pool = WorkerPool(2).open()
    try:
        outcome: list[BaseException] = []

        def wait() -> None:
            try:
                list(pool.imap(time.sleep, [60.0, 60.0, 60.0]))
            except Cancelled as error:
                outcome.append(error)

        waiting = threading.Thread(target=wait)
        began = time.perf_counter()
        waiting.start()
        time.sleep(1.0)
        old = pool._pool
        pool.cancel()
        waiting.join(20)
        assert not waiting.is_alive() and len(outcome) == 1
        assert time.perf_counter() - began < 30  # not the 90 s the tasks would take
        assert all(not process.is_alive() for process in old._pool)
        assert list(pool.imap(abs, [-1, -2, -3])) == [1, 2, 3]
        assert sorted(pool.imap_unordered(abs, [-4, -5])) == [4, 5]
    finally:
        pool.close()


def test_cancel_in_this_process_stops_before_the_next_task() -> None:
    pool = WorkerPool(1)
    done: list[int] = []

    def task(number: int) -> int:
        done.append(number)
        if number == 1:
            pool.cancel()
        return number

    with pytest.raises(Cancelled):
        list(pool.imap(task, range(5)))
    assert done == [0, 1]
    assert list(pool.imap(task, [7])) == [7]


def test_a_stopped_page_cancels_its_run_and_the_runner_goes_on() -> None:
    base = load_scenario(SMALL)
    runner = Runner(jobs=1)
    finished: list[int] = []

    class PageStopped(BaseException):
        pass

    def tick(seconds: float) -> None:
        raise PageStopped

    with pytest.raises(PageStopped):
        runner.point(base, "baseline", (), 400, finished.append, tick)
    time.sleep(1.0)  # the run's thread sees the cancel before its next replication
    stopped_at = len(finished)
    time.sleep(1.0)
    assert stopped_at == len(finished) < 400
    point = runner.point(base, "baseline", (), 2)
    assert point.replications == 2 and not point.cached


def test_a_click_during_a_run_cancels_it_and_the_page_says_so(app, monkeypatch) -> None:
    session = pytest.importorskip("sim.app.session")
    monkeypatch.setattr(session, "_click_waits", lambda: True)  # a click waits at once
    app.slider(key="replications").set_value(30)  # about two seconds: several ticks
    app.run()
    app.button(key="run").click()
    app.run()
    assert not app.exception, app.exception
    assert not app.session_state["points"]["app-small"]  # nothing added
    app.run()  # the redraw the waiting click makes
    assert any("The run was cancelled" in w.value for w in app.warning)
    monkeypatch.setattr(session, "_click_waits", lambda: False)
    app.button(key="run").click()
    app.run()
    assert len(app.session_state["points"]["app-small"]) == 1  # the runner goes on


@pytest.mark.parametrize("limit", [0.0, 0.05, 0.5, 5.0])
@pytest.mark.parametrize(("arrival", "service"), [(0.7, 1.0), (17.3, 0.5), (41.0, 3.3)])
def test_the_linear_erlang_search_finds_what_the_formula_finds(arrival, service, limit):
    start = max(1, -(-arrival // service))
    c = int(start)
    while sizing_estimate.erlang_c_wait(c, arrival, service) > limit:
        c += 1
    assert sizing_estimate.erlang_servers(int(start), arrival, service, lambda w: w <= limit) == c


def test_the_documented_budget_is_the_apps() -> None:
    """The app's guide and the Limits name the budget and the estimate the app uses."""
    readme = " ".join((ROOT / "docs" / "guide" / "app.md").read_text(encoding="utf-8").split())
    limits = " ".join((ROOT / "scenarios" / "README.md").read_text(encoding="utf-8").split())
    soft, hard = budget.SOFT_BUDGET // 1_000_000, budget.HARD_BUDGET // 1_000_000
    per_application = f"{budget.EVENTS_PER_APPLICATION:g}"
    per_unit_year = f"{budget.EVENTS_PER_UNIT_YEAR:g}"
    assert f"Up to {soft} million events a run starts at once; up to {hard} million" in readme
    assert f"{per_application} per application" in readme
    assert f"plus {per_unit_year} × (1 + turnover) per dwelling-year" in readme
    assert f"at most {hard} million estimated events (above {soft} million only" in limits
    assert f"as {per_application} events per application plus {per_unit_year} × (1 +" in limits


def test_the_estimate_is_written_as_a_norwegian_reader_writes_numbers(monkeypatch) -> None:
    """In Norwegian the estimate's thousands are set apart by a space, as elsewhere in the
    app and the reports ("14 000", never "14,000")."""
    app = open_app(monkeypatch, [SMALL])
    app.selectbox(key="baseline").set_value("app-small").run()
    app.radio(key="language").set_value("nb").run()
    estimates = [c.value for c in app.caption if c.value.startswith("Anslått arbeid:")]
    assert estimates, [c.value for c in app.caption]
    events = estimates[0].split(":", 1)[1].split("hendelser")[0].strip()
    assert re.fullmatch(r"\d{1,3}(\u00a0\d{3})+", events), estimates[0]
