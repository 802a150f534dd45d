"""Documentation tests: every worked example in the documentation prints what it shows.

A worked example is a fenced ``console`` block in ``README.md``, ``docs/**/*.md`` or the
README of ``scenarios/``, ``calibration/`` or ``benchmarks/``: its ``$ sim ...`` line (a
line ending in ``\\`` continues on the next) is run here, in a fresh folder that sees the
repository's ``scenarios/``, ``calibration/`` and ``docs/``, with every ``--out`` sent
into that folder, and the lines below it must be what the command prints. HTML comments
``<!-- example: ... -->`` right above the block say how it is run, one run per comment
(the convention is written up for readers in ``docs/reference/examples.md``):

- ``slow``: run with ``pytest -m slow`` only;
- ``args="..."``: words added to the command (fewer replications);
- ``ignore="REGEX"``: what the regular expression matches is left out on both sides (the
  seconds a run took);
- ``tolerance="PREFIX N"``: on lines that start with PREFIX each number may differ from
  the shown one by at most N (a count of units, or of targets met, at fewer
  replications); every other line, and every word, must be the same.
"""

from __future__ import annotations

import contextlib
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHARED = ("scenarios", "calibration", "docs")  # what an example may read, as in the repository
BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)```console[ \t]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
MARK = re.compile(r"^[ \t]*<!-- example:(?P<options>.*?)-->[ \t]*$")
OUTER = re.compile(r"^[ \t]*````.*?^[ \t]*````[ \t]*$", re.M | re.S)  # an example of an example
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")
SLOW_EXAMPLE_SECONDS = 60  # a slow example runs a whole command (the slow suite's order)


@dataclass(frozen=True)
class Run:
    """One run of a worked example: where it is, its command, what it shows, and how."""

    where: str
    command: tuple[str, ...]
    shown: tuple[str, ...]
    slow: bool = False
    args: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    tolerance: tuple[tuple[str, float], ...] = field(default=())


def pages() -> list[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found += [ROOT / name / "README.md" for name in ("scenarios", "calibration", "benchmarks")]
    return [path for path in found if path.is_file()]


def options(text: str, where: str) -> dict[str, object]:
    """The options of one ``<!-- example: ... -->`` comment."""
    chosen: dict[str, object] = {"slow": False, "args": (), "ignore": (), "tolerance": ()}
    for word in shlex.split(text):
        key, _, value = word.partition("=")
        if key == "slow" and not value:
            chosen["slow"] = True
        elif key == "args":
            chosen["args"] = (*chosen["args"], *shlex.split(value))  # type: ignore[misc]
        elif key == "ignore":
            chosen["ignore"] = (*chosen["ignore"], value)  # type: ignore[misc]
        elif key == "tolerance":
            prefix, _, allowed = value.rpartition(" ")
            chosen["tolerance"] = (*chosen["tolerance"], (prefix, float(allowed)))  # type: ignore[misc]
        else:
            raise ValueError(f"{where}: unknown example option {word!r}")
    return chosen


def examples_in(path: Path) -> list[Run]:
    text = OUTER.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
    name = path.relative_to(ROOT).as_posix()
    runs = []
    for block in BLOCK.finditer(text):
        line = text.count("\n", 0, block.start()) + 1
        where = f"{name}:{line}"
        indent = block.group("indent")
        lines = [row.removeprefix(indent) for row in block.group("body").splitlines()]
        assert lines and lines[0].startswith("$ sim "), f"{where}: an example starts with $ sim"
        command = lines.pop(0)[2:]
        while command.endswith("\\"):
            command = command[:-1] + " " + lines.pop(0).strip()
        assert not any(row.startswith("$ ") for row in lines), f"{where}: one command a block"
        marks = []
        for above in reversed(text[: block.start()].splitlines()):
            mark = MARK.match(above)
            if mark is None:
                break
            marks.insert(0, options(mark.group("options"), where))
        for number, chosen in enumerate(marks or [options("", where)]):
            runs.append(
                Run(
                    where=f"{where}" + (f"#{number + 1}" if len(marks) > 1 else ""),
                    command=tuple(shlex.split(command)),
                    shown=tuple(lines),
                    **chosen,  # type: ignore[arg-type]
                )
            )
    return runs


EXAMPLES = [run for path in pages() for run in examples_in(path)]


def example(run: Run) -> object:
    marks = [pytest.mark.slow(seconds=SLOW_EXAMPLE_SECONDS)] if run.slow else []
    return pytest.param(run, id=run.where, marks=marks)


def redirected(words: list[str], out: Path) -> list[str]:
    """The command with every output option (``--out``, ``--scenario-out``) pointed into
    the run's folder, and ``--out`` given when the command has none."""
    changed: list[str] = []
    given = iter(words)
    for word in given:
        name, equals, _ = word.partition("=")
        if name == "--out" or (name.startswith("--") and name.endswith("-out")):
            changed += [name, str(out if name == "--out" else out.parent / f"{out.name}{name}")]
            if not equals:
                next(given)  # the value given in the documentation
        else:
            changed.append(word)
    return changed if "--out" in changed else [*changed, "--out", str(out)]


def comparable(lines: list[str] | tuple[str, ...], run: Run) -> list[str]:
    kept = []
    for line in lines:
        for pattern in run.ignore:
            line = re.sub(pattern, "", line)
        if line.strip():
            kept.append(line.rstrip())
    return kept


def same(printed: str, shown: str, run: Run) -> bool:
    """A printed line is the shown one, or (on a tolerant line) differs only in numbers,
    each by at most the tolerance."""
    if printed == shown:
        return True
    allowed = [n for prefix, n in run.tolerance if shown.startswith(prefix)]
    if not allowed or NUMBER.sub("#", printed) != NUMBER.sub("#", shown):
        return False
    pairs = zip(NUMBER.findall(printed), NUMBER.findall(shown), strict=True)
    return all(
        abs(float(a.replace(",", "")) - float(b.replace(",", ""))) <= allowed[0] for a, b in pairs
    )


RAN: dict[Run, tuple[list[str], Path]] = {}


def run_example(run: Run, folders: pytest.TempPathFactory) -> tuple[list[str], Path]:
    """What the example's command prints (lines naming its folder left out) and its
    result folder; run once per test session."""
    if run not in RAN:
        folder = folders.mktemp("example")
        for name in SHARED:
            (folder / name).symlink_to(ROOT / name)
        out = folder / "out"
        words = redirected([*run.command[1:], *run.args], out)
        with contextlib.chdir(folder):
            result = CliRunner().invoke(main, words)
        assert result.exit_code == 0, (run.where, words, result.output)
        RAN[run] = ([line for line in result.stdout.splitlines() if str(folder) not in line], out)
    return RAN[run]


def test_the_documentation_has_worked_examples() -> None:
    """The finder finds the examples the guides are known to have, fast and slow."""
    places = {run.where.split(":")[0] for run in EXAMPLES}
    assert {"docs/guide/sizing.md", "calibration/README.md"} <= places
    assert any(run.slow for run in EXAMPLES) and any(not run.slow for run in EXAMPLES)


def test_a_tolerance_admits_only_its_numbers_on_its_lines() -> None:
    run = Run("x", ("sim",), (), tolerance=(("simulation:", 3),))
    shown = "simulation: 15 units a year from 2010 (probability >= 0.8)"
    assert same("simulation: 17 units a year from 2010 (probability >= 0.8)", shown, run)
    assert not same("simulation: 19 units a year from 2010 (probability >= 0.8)", shown, run)
    assert not same("simulation: 15 units once in 2010 (probability >= 0.8)", shown, run)
    assert not same("analytic: 16 units", "analytic: 15 units", run)


@pytest.mark.parametrize("run", [example(run) for run in EXAMPLES])
def test_a_worked_example_prints_what_it_shows(
    run: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    printed, _ = run_example(run, tmp_path_factory)
    printed, shown = comparable(printed, run), comparable(run.shown, run)
    assert len(printed) == len(shown), (run.where, printed, shown)
    for got, documented in zip(printed, shown, strict=True):
        assert same(got, documented, run), (run.where, got, documented)


def test_the_calibration_example_pins_down_what_its_readme_says(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Step 5 of calibration/README.md's worked example reads the verdicts of the run of
    step 4: all three parameters pinned down."""
    text = " ".join((ROOT / "calibration" / "README.md").read_text(encoding="utf-8").split())
    assert "here all three are pinned down" in text
    run = next(
        run
        for run in EXAMPLES
        if run.command[:2] == ("sim", "calibrate") and run.where.startswith("calibration/")
    )
    _, out = run_example(run, tmp_path_factory)
    verdicts = pd.read_csv(out / "identifiability.csv").verdict
    assert list(verdicts) == ["pinned down"] * 3


def test_an_example_writes_only_into_its_own_folder(tmp_path: Path) -> None:
    """Every output option of a documented command is pointed into the run's folder (a
    command shown with ``--out docs/...`` never writes into the repository)."""
    out = tmp_path / "out"
    assert redirected(["run", "a.yaml", "--out", "docs/x", "--force"], out) == [
        "run", "a.yaml", "--out", str(out), "--force",
    ]  # fmt: skip
    assert redirected(["calibrate", "s.yaml", "--scenario-out=scenarios/k.yaml"], out) == [
        "calibrate", "s.yaml", "--scenario-out", str(tmp_path / "out--scenario-out"),
        "--out", str(out),
    ]  # fmt: skip


# --- numbers the guides quote from data files beside them ------------------------------


WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen", "twenty"]  # fmt: skip


def said(page: str) -> str:
    """A page's text with its line breaks and runs of spaces made single spaces."""
    return " ".join((ROOT / page).read_text(encoding="utf-8").split())


def test_the_tradeoff_guide_quotes_its_table() -> None:
    """Every number of "Throughput or stable homes?" about the grid is the one in
    docs/tradeoff-lorenskog/tradeoff.csv, rounded as the text rounds it."""
    text = said("docs/guide/tradeoff.md")
    table = pd.read_csv(ROOT / "docs" / "tradeoff-lorenskog" / "tradeoff.csv")
    row = {
        (str(years), renewal): values
        for (years, renewal), values in table.set_index(
            [table["stock.ordinary.contract_years"].fillna(0).astype(int), "stock.ordinary.renewal"]
        ).iterrows()
    }
    strict, usual = row["1", "strict"], row["1", "discretionary"]
    needs, differentiated = row["1", "needs_based"], row["1", "differentiated"]
    through, moves, moved = (
        "first_housed_per_100_units",
        "forced_moves_per_100_tenant_years",
        "share_permanent_need_moved",
    )
    assert (
        f"strict one-year contracts house {strict[through]:.1f} households per 100 units a "
        f"year for the first time (95 % interval {strict[through + '_ci_low']:.1f}-"
        f"{strict[through + '_ci_high']:.1f}) against {usual[through]:.1f} under the "
        f"baseline's discretionary renewal, {needs[through]:.1f} under needs-based and "
        f"{differentiated[through]:.1f} under differentiated renewal"
    ) in text
    assert (
        f"{strict[moves]:.0f} forced moves per 100 tenant-years ({usual[moves]:.0f}, "
        f"{needs[moves]:.0f} and {differentiated[moves]:.0f}) and {strict[moved]:.0%} of "
        f"permanent-need tenants moved at least once in ten years ({usual[moved]:.0%}, "
        f"{needs[moved]:.0%} and {differentiated[moved]:.0%})"
    ).replace("%", " %") in text
    five = row["5", "strict"]
    assert (
        f"(five-year strict contracts: {five[through]:.1f} first-time households, "
        f"{five[moves]:.0f} forced moves)"
    ) in text
    vacant = "vacant_share_varied_year_end"
    others = table[vacant].drop(index=0)
    assert (
        f"{strict[vacant]:.1%} at year end against at most {others.max():.1%} under every "
        "other policy of the grid"
    ).replace("%", " %") in text
    nights = "hospits_nights_per_year"
    others = table[nights].drop(index=0)
    assert f"about {round(strict[nights], -1):,.0f} a year under strict one-year" in text
    assert f"about {round(others.mean(), -2):,.0f} otherwise" in text
    assert others.between(1300, 1700).all()  # "about 1,500" holds for every other policy


def test_the_tradeoff_grid_keeps_the_varied_rentals_let() -> None:
    """Under every policy of the guide's grid but strict one-year contracts, at most 5 % of
    the ordinary rentals stand vacant at year end (mean over the reported years, upper end
    of its 95 % interval); strict one-year contracts, with three times the moves and a
    turnaround between tenants at each, keep more vacant, up to the upper end the guide
    quotes (11 % at most), which is the turnaround's uncertainty in the posterior (the
    guide says why)."""
    table = pd.read_csv(ROOT / "docs" / "tradeoff-lorenskog" / "tradeoff.csv")
    high = table["vacant_share_varied_year_end_ci_high"]
    assert (high.drop(index=0) <= 0.05).all(), table[["policy", "vacant_share_varied_year_end"]]
    assert table.policy[0] == "contract_years=1, renewal=strict"
    assert high[0] <= 0.11
    text = said("docs/guide/tradeoff.md")
    assert f"the upper end of strict contracts' interval, {high[0]:.0%}".replace("%", " %") in text


def test_the_sensitivity_guide_quotes_its_indices() -> None:
    """The numbers of "Which assumptions matter?" are those of
    docs/sensitivity/lorenskog.csv, and the order of the assumptions is its ranking."""
    text = said("docs/guide/sensitivity.md")
    table = pd.read_csv(ROOT / "docs" / "sensitivity" / "lorenskog.csv")
    star = table[table["index"] == "mu_star"].sort_values(["metric", "rank"])
    signed = table[table["index"] == "mu"].set_index(["metric", "parameter"]).value
    first_housed = "first_housed_per_100_units"
    through = star[star.metric == first_housed].reset_index(drop=True)
    moves = star[star.metric == "forced_moves_per_100_tenant_years"].reset_index(drop=True)
    factors = table.parameter.nunique()
    assert f"Every one of the {factors} numbers that" in text
    assert f"8 Morris trajectories ({8 * (factors + 1)} points, two replications each)" in text
    assert "--samples 8 --replications 2" in text
    first = through.iloc[0]
    assert first.parameter == moves.iloc[0].parameter == "policy.renewal_probability"
    assert f"(`policy.renewal_probability`, {first.low:.2f}–{first.high:.2f};" in text
    assert (
        f"first-time throughput falls by {first.value:.1f} households per 100 units a year "
        f"(95 % interval {first.ci_low:.1f}–{first.ci_high:.1f}) and forced moves by "
        f"{moves.value[0]:.1f} per 100 tenant-years ({moves.ci_low[0]:.1f}–"
        f"{moves.ci_high[0]:.1f}), not quite twice the next number's effect on "
        f"throughput and six times on forced moves"
    ) in text
    assert 1.5 < through.value[0] / through.value[1] < 2  # "not quite twice"
    assert round(moves.value[0] / moves.value[1]) == 6  # "six times"
    assert signed[first_housed, first.parameter] < 0  # "falls"
    assert list(through.parameter[1:4]) == [
        "groups.disadvantaged.permanent_need",  # "whose need is permanent (lowers it)"
        "groups.elderly.other_exit_per_year",  # "the exit rate of elderly tenants (raises it)"
        "stock.refugee.units",  # "the number of refugee dwellings (lowers it)"
    ]
    assert (through.value[1:4] < 1.3).all()  # "about one household ... or less"
    sign = [signed[first_housed, p] for p in through.parameter[1:4]]
    assert sign[0] < 0 < sign[1] and sign[2] < 0
    second = moves.iloc[1]
    assert second.parameter == "stock.ordinary.units"
    assert signed["forced_moves_per_100_tenant_years", second.parameter] > 0  # "raises them"
    assert (
        f"by {second.value:.1f} per 100 tenant-years, {second.ci_low:.1f}–{second.ci_high:.1f})"
    ) in text
    assert list(moves.parameter[2:5]) == [
        "stock.trygd.units",
        "stock.refugee.contract_years",
        "groups.disadvantaged.permanent_need",
    ]
    assert (moves.value[2:5] < 1).all()  # "each below one"
    assert (through.value[4:] <= 0.7).all() and (moves.value[5:] <= 0.7).all()
    small = [(frame.value < 0.1).mean() for frame in (through, moves)]
    assert 0.4 <= small[0] <= 0.6  # "about half of them for throughput"
    assert 0.55 <= small[1] <= 0.65  # "three in five for forced moves"


def test_the_sizing_guide_reads_its_example_rightly() -> None:
    """The sentences after the sizing example restate its printed numbers (which the
    slow example checks against the command): the units a year, their sum by the target
    year and how many times the Erlang C estimate is too high."""
    run = next(
        run
        for run in EXAMPLES
        if run.command[:2] == ("sim", "size") and run.where.startswith("docs/guide/sizing.md")
    )
    analytic = int(re.search(r"Erlang C\): (\d+) units a year", run.shown[0]).group(1))  # type: ignore[union-attr]
    simulated = int(re.search(r"simulation: (\d+) units a year", run.shown[1]).group(1))  # type: ignore[union-attr]
    first, last = (int(run.command[run.command.index(o) + 1]) for o in ("--from", "--to"))
    text = said("docs/guide/sizing.md")
    built = simulated * (last - first + 1)
    assert f"{WORDS[simulated].capitalize()} units a year, {built} by {last}" in text
    if analytic >= simulated:
        assert f"about {WORDS[round(analytic / simulated)]} times too high" in text
    else:
        assert f"about {WORDS[round(simulated / analytic)]} times too low" in text
    confidence = float(re.search(r"probability >= ([\d.]+)", run.shown[1]).group(1))  # type: ignore[union-attr]
    assert f"in at least {confidence:.0%} of the replications".replace("%", " %") in text
    asker = sim.load_scenario(ROOT / "scenarios" / "asker-calibrated.yaml")
    withdraw = asker.groups["disadvantaged"].withdraw_per_year
    assert withdraw <= 0.1  # "the disadvantaged stay on the list until housed"
    assert "the disadvantaged stay on the list until housed" in text


def test_the_guides_state_the_limits_the_code_uses() -> None:
    """The limits the guides state (result folder, report, app, cluster) are the code's."""
    from sim.analysis.output import CSV_MAX_ROWS
    from sim.analysis.provenance import MANIFEST_MAX_BYTES
    from sim.analysis.sizing_estimate import MAX_ERLANG_SERVERS
    from sim.app.sources import MAX_PASTE_BYTES
    from sim.report.reading import MANIFEST_MAX_DEPTH
    from sim.runner.cluster import CONNECT_SECONDS

    results = said("docs/guide/results.md")
    rows = len(sim.run(ROOT / "scenarios" / "asker-calibrated.yaml", replications=1).yearly)
    assert (
        f"at most {CSV_MAX_ROWS:,} rows: the calibrated Asker has {rows:,} rows a replication, "
        f"so up to {CSV_MAX_ROWS // rows} replications"
    ) in results
    app = said("docs/guide/app.md")
    dwellings = {1_000_000: "a million"}.get(MAX_ERLANG_SERVERS, f"{MAX_ERLANG_SERVERS:,}")
    assert f"searches at most {dwellings} dwellings" in app
    assert f"(at most {MAX_PASTE_BYTES:,} bytes) is checked like a scenario file" in app
    dask = said("docs/guide/dask.md")
    assert f"cannot be reached within {WORDS[round(CONNECT_SECONDS)]} seconds" in dask
    reports = said("docs/guide/reports.md")
    assert f"of at most {MANIFEST_MAX_BYTES // 1_000_000} MB, nested at most " in reports
    assert f"nested at most {MANIFEST_MAX_DEPTH} deep" in reports


@pytest.mark.slow
def test_the_app_guide_quotes_the_comparison_the_app_tells() -> None:
    """The app's Compare page, strict renewal against the calibrated Lørenskog, says in
    its last year what the app guide quotes (the same comparison and sentence)."""
    from sim.app.other_pages import sentence

    text = said("docs/guide/app.md")
    quoted = re.search(
        r"strict renewal against the calibrated Lørenskog, (\d+) replications over its "
        r"posterior: \"([^\"]+)\"",
        text,
    )
    assert quoted is not None
    base = sim.load_scenario(ROOT / "scenarios" / "lorenskog-calibrated.yaml")
    strict = sim.load_scenario(ROOT / "scenarios" / "policies" / "lorenskog-renewal-strict.yaml")
    table = sim.compare(base, [strict], replications=int(quoted.group(1)), jobs=2).table
    last = [year for year in dict.fromkeys(table.year) if year != "all"][-1]
    row = table[(table.year == last) & (table.metric == "forced_moves")].iloc[0]
    assert sentence(row, "en").removesuffix(".") == quoted.group(2)  # quoted without its stop


def test_the_replications_the_guides_name_are_the_scenario_s() -> None:
    """ "30 replications" in the quickstart and "30 ganger" in the Norwegian guide are the
    shipped Lørenskog scenarios' own number."""
    for name in ("lorenskog.yaml", "lorenskog-calibrated.yaml"):
        assert sim.load_scenario(ROOT / "scenarios" / name).replications == 30
    assert "sim run scenarios/lorenskog.yaml # 30 replications" in said("docs/guide/quickstart.md")
    assert "kjøres 30 ganger (replikasjoner)" in said("docs/brukerveiledning.md")


def test_the_tradeoff_guide_states_the_scenario_s_assumptions() -> None:
    """The assumptions the trade-off guide names are those of the calibrated Lørenskog."""
    text = said("docs/guide/tradeoff.md")
    scenario = sim.load_scenario(ROOT / "scenarios" / "lorenskog-calibrated.yaml")
    policy, homelessness = scenario.policy, scenario.homelessness
    after = policy.after_nonrenewal.at_time(0)
    assert (
        f"goes {after['transfer']:.0%} to another municipal dwelling, "
        f"{after['private_rental']:.0%} to the private market and {after['homeless']:.0%} into "
        "homelessness"
    ).replace("%", " %") in text
    leaving = {
        group.leave_when_able_per_year
        for group in scenario.groups.values()
        if group.permanent_need < 1
    }
    assert f"or at {min(leaving):g} to {max(leaving):g} a year before it" in text
    assert f"renews one-year contracts with probability {policy.renewal_probability:g}" in text
    stay = homelessness.hospits_stay_days
    mean = (stay.low + stay.mode + stay.high) / 3  # a triangular distribution's mean
    assert f"the assumed hospits share ({homelessness.hospits_share:g})" in text
    assert f"stay length ({stay.low:g}-{stay.high:g} days, mean {mean:.0f})" in text


def test_how_it_works_states_the_mutation_score_the_script_demands() -> None:
    import runpy

    minimum = runpy.run_path(str(ROOT / "scripts" / "mutation_score.py"))["MINIMUM"]
    text = said("docs/guide/how-it-works.md")
    assert f"fails when fewer than {minimum:g} % were caught" in text
