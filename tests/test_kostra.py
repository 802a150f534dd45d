"""sim init: KOSTRA counts from the template (CSV, XLSX) and SSB's exports (CSV,
JSON-stat 2.0) of a made-up municipality, the checks that name a bad cell, and the folder
sim init writes: it validates and a tiny calibration runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from sim.cli import main
from sim.kostra.checks import KostraError
from sim.kostra.readers import read_counts
from sim.kostra.template import template_csv, write_template

DATA = Path(__file__).parent / "data" / "kostra"
ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ("eksempelby-ssb.csv", "eksempelby.json", "eksempelby-mal.csv")


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def error_text(path: Path) -> str:
    with pytest.raises(KostraError) as caught:
        read_counts(path)
    return str(caught.value)


def test_every_format_gives_the_same_counts() -> None:
    read = {name: read_counts(DATA / name) for name in EXPORTS}
    first = read[EXPORTS[0]]
    assert len(first.values) == 48
    assert first.get("boliger_i_alt", 2020) == 412
    assert first.get("nyinnflyttede_flyktninger", 2023) == 15
    assert first.years == [2020, 2021, 2022, 2023]
    for name, counts in read.items():
        assert counts.values == first.values, name
    # the share in the SSB files is not a count and is left out, and said so
    assert any("Andel nye søkere" in text for text in read["eksempelby.json"].ignored)
    assert read["eksempelby.json"].region == "9999 Eksempelby"
    assert read["eksempelby-ssb.csv"].region == "K-9999 Eksempelby"


def test_the_template_round_trips_through_xlsx(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    written = write_template(tmp_path, [2020, 2021, 2022, 2023], force=False)
    assert [p.name for p in written] == ["kostra-mal.csv", "kostra-mal.xlsx"]
    counts = read_counts(DATA / "eksempelby-mal.csv")
    book = load_workbook(tmp_path / "kostra-mal.xlsx")
    sheet = book["kostra"]
    assert [c.value for c in sheet[1]] == ["år", "variabel", "verdi", "kilde", "forklaring"]
    for row in sheet.iter_rows(min_row=2):
        row[2].value = counts.get(str(row[1].value), int(row[0].value))
    book.save(tmp_path / "fylt.xlsx")
    assert read_counts(tmp_path / "fylt.xlsx").values == counts.values
    sheet["C5"] = ".."
    book.save(tmp_path / "skjult.xlsx")
    message = error_text(tmp_path / "skjult.xlsx")
    assert "skjult.xlsx: sheet kostra, cell C5 (verdi): '..' is a suppressed cell" in message


def test_the_template_is_not_overwritten_without_force(tmp_path: Path) -> None:
    result = invoke("init", "--template", tmp_path, "--years", "2021-2022")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "kostra-mal.csv").read_text(encoding="utf-8")
    assert text == template_csv([2021, 2022])
    assert text.count("\n2021,") == text.count("\n2022,") == 12
    again = invoke("init", "--template", tmp_path)
    assert again.exit_code == 2
    assert "exists already" in again.output
    assert invoke("init", "--template", tmp_path, "--force").exit_code == 0
    # --force replaces only the tool's own template, never another file of that name
    (tmp_path / "kostra-mal.csv").write_text("mine\n", encoding="utf-8")
    refused = invoke("init", "--template", tmp_path, "--force")
    assert refused.exit_code == 2
    assert (tmp_path / "kostra-mal.csv").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "feil-navn.csv",
            "feil-navn.csv: row 18, column variabel: variabel 'nye_søknadr' is not a KOSTRA "
            "variable of the template (did you mean 'nye_soknader'?); allowed: boliger_i_alt, ",
        ),
        (
            "tekst.csv",
            "tekst.csv: row 19, column verdi: 'ca. 55' is text in a number cell",
        ),
        (
            "skjult.csv",
            "skjult.csv: row 33, column verdi: '..' is a suppressed cell (SSB: '..' = figures "
            "not available); give the number or leave the year out",
        ),
        ("negativ.csv", "negativ.csv: row 12, column verdi: '-9' is negative"),
        (
            "summer.csv",
            "summer.csv: row 38, column verdi: boliger_i_alt 2023 is 425, but its parts add "
            "up to 435 (boliger_kommunalt_eid 309 + boliger_innleid 94 + "
            "boliger_privat_disponert 32)",
        ),
        (
            "mangler-aar.csv",
            "mangler-aar.csv: nyinnflyttede: year 2021 is missing between 2020 and 2023",
        ),
    ],
)
def test_a_bad_template_exits_2_naming_the_cell(name: str, expected: str) -> None:
    assert expected in error_text(DATA / "bad" / name)
    result = invoke("init", "Eksempelby", "--from", DATA / "bad" / name, "--out", "unused")
    assert result.exit_code == 2
    assert expected.split(": ", 1)[1][:40] in result.output
    assert not Path("unused").exists()


def test_a_suppressed_jsonstat_cell_is_named(tmp_path: Path) -> None:
    data = json.loads((DATA / "eksempelby.json").read_text(encoding="utf-8"))
    data["value"][21] = None
    data["status"] = {"21": ":"}
    path = tmp_path / "skjult.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    message = error_text(path)
    assert "skjult.json: value[21] (KOSnyavslag0000, 2021): ':' is a suppressed cell" in message
    assert "':' = confidential" in message


def test_an_export_of_several_municipalities_is_refused(tmp_path: Path) -> None:
    text = (DATA / "eksempelby-ssb.csv").read_text(encoding="utf-8")
    path = tmp_path / "to.csv"
    path.write_text(text + '"K-9998 Annenby";"Nye husstander på venteliste";1;2;3;4\n', "utf-8")
    assert "holds 2 municipalities" in error_text(path)


def test_sim_init_writes_a_folder_that_validates_and_calibrates(tmp_path: Path) -> None:
    out = tmp_path / "kommuner" / "eksempelby"
    result = invoke("init", "Eksempelby", "--from", DATA / "eksempelby.json", "--out", out)
    assert result.exit_code == 0, result.output
    assert "sim calibrate" in result.output and "--method abc" in result.output
    assert "sim report" in result.output and "--lang nb" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "README.md",
        "eksempelby-spec.yaml",
        "eksempelby-targets.csv",
        "eksempelby.yaml",
        "kilde",
        "manifest.json",
    ]
    scenario = (out / "eksempelby.yaml").read_text(encoding="utf-8")
    assert "units: 128" in scenario and "units: 284" in scenario  # 31 % / 69 % of 412
    assert scenario.count("lånt fra Asker") >= 10 and "lånt fra Lørenskog" in scenario
    targets = (out / "eksempelby-targets.csv").read_text(encoding="utf-8").splitlines()
    assert targets[0] == "year,metric,group,category,observed,low,high,weight,source"
    assert any(
        line.startswith("2023,allocations,flyktninger,,15,")
        and "eksempelby.json, value[39]" in line
        for line in targets
    )
    spec = yaml.safe_load((out / "eksempelby-spec.yaml").read_text(encoding="utf-8"))
    assert "groups.vanskeligstilte.approval" in spec["parameters"]
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "Dette er lånt" in readme and "Dette bør dere sjekke" in readme
    assert invoke("validate", out / "eksempelby.yaml").exit_code == 0
    calibrated = tiny_calibration(
        out / "eksempelby-spec.yaml",
        tmp_path / "fit",
        "--scenario-out",
        out / "eksempelby-kalibrert.yaml",
    )
    assert calibrated.exit_code == 0, calibrated.output
    assert "after 4 evaluations" in calibrated.output
    # the next commands sim init prints: run the calibrated baseline, report in Norwegian
    run = invoke(
        "run",
        out / "eksempelby-kalibrert.yaml",
        "--replications",
        "2",
        "--out",
        tmp_path / "run",
        "--quiet",
    )
    assert run.exit_code == 0, run.output
    summary = (tmp_path / "run" / "summary.csv").read_text(encoding="utf-8")
    assert "2020,,,units,412.0," in summary and "2023,,,units,425.0," in summary
    assert "2023,,,cost_total," in summary and "2023,,,income_rent," in summary  # borrowed
    report = invoke("report", tmp_path / "run", "--lang", "nb")
    assert report.exit_code == 0, report.output
    assert (tmp_path / "run" / "report.nb.html").is_file()
    # the folder is not replaced without --force; with it, it is (it is sim's own)
    again = invoke("init", "Eksempelby", "--from", DATA / "eksempelby.json", "--out", out)
    assert again.exit_code == 2 and "exists already" in again.output
    forced = invoke(
        "init", "Eksempelby", "--from", DATA / "eksempelby-mal.csv", "--out", out, "--force"
    )
    assert forced.exit_code == 0, forced.output
    assert (out / "kilde" / "eksempelby-mal.csv").is_file()


def test_the_borrowed_prices_are_askers(tmp_path: Path) -> None:
    """sim init prices everything as the Asker baseline does (marked as borrowed): the same
    NOK and year as scenarios/asker.yaml for every price, so the two cannot drift apart."""
    from sim.config.loader import load_scenario

    out = tmp_path / "eksempelby"
    assert (
        invoke("init", "Eksempelby", "--from", DATA / "eksempelby.json", "--out", out).exit_code
        == 0
    )
    made = load_scenario(out / "eksempelby.yaml").costs
    asker = load_scenario(ROOT / "scenarios" / "asker.yaml").costs
    assert made.price_year == asker.price_year and made.index == asker.index
    given = made.entries()
    assert set(given) == set(asker.entries())
    for key, price in asker.entries().items():
        assert (given[key].nok, given[key].year) == (price.nok, price.year), key
        assert given[key].source.startswith("lånt fra Asker"), key


def test_the_stock_must_be_given_for_the_first_year(tmp_path: Path) -> None:
    lines = (DATA / "eksempelby-mal.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "uten.csv"
    path.write_text("\n".join(x for x in lines if ",boliger_" not in x) + "\n", "utf-8")
    assert "boliger_i_alt: is needed for at least the first year" in error_text(path)
    shutil.copy(DATA / "eksempelby-mal.csv", tmp_path / "ok.csv")
    assert read_counts(tmp_path / "ok.csv").series("boliger_i_alt")[2023] == 425


def test_other_ssb_csv_layouts_give_the_same_counts(tmp_path: Path) -> None:
    """The statistics bank lets the user put year and variable in rows or in columns:
    all three variables in rows (one value column headed by the title), or variable
    and year in the column headings; semicolons or commas, UTF-8 or Windows-1252."""
    counts = read_counts(DATA / "eksempelby-ssb.csv")
    texts = {
        "boliger_i_alt": "Totalt antall kommunalt disponerte boliger",
        "nye_soknader": "Antall nye søknader om kommunal bolig",
        "nyinnflyttede": "Antall nyinnflyttede husstander",
    }
    long = ['"region";"statistikkvariabel";"år";"12345: Kommunale boliger"']
    for variable, text in texts.items():
        for year, value in counts.series(variable).items():
            long.append(f'"K-9999 Eksempelby";"{text}";"{year}";{value}')
    (tmp_path / "lang.csv").write_bytes(("\n".join(long) + "\n").encode("cp1252"))
    wide_header = ['"region"'] + [
        f'"{text} {year}"' for text in texts.values() for year in counts.years
    ]
    wide_row = ['"3024 Eksempelby"'] + [
        str(counts.get(variable, year)) for variable in texts for year in counts.years
    ]
    (tmp_path / "bred.csv").write_text(
        ",".join(wide_header) + "\n" + ",".join(wide_row) + "\n", encoding="utf-8"
    )
    wanted = {key: v for key, v in counts.values.items() if key[0] in texts}
    assert read_counts(tmp_path / "lang.csv").values == wanted
    wide = read_counts(tmp_path / "bred.csv")
    assert wide.values == wanted
    assert wide.sources[("nye_soknader", 2021)] == (
        "bred.csv, row 2, column G (Antall nye søknader om kommunal bolig 2021)"
    )


def test_sparse_jsonstat_values_and_ssb_zero(tmp_path: Path) -> None:
    data = json.loads((DATA / "eksempelby.json").read_text(encoding="utf-8"))
    data["value"] = {str(i): v for i, v in enumerate(data["value"])}
    data["value"]["41"] = None
    data["status"] = ["" for _ in range(len(data["value"]))]
    data["status"][41] = "-"  # SSB: nil
    path = tmp_path / "glissen.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    counts = read_counts(path)
    assert counts.get("byttet_bolig", 2021) == 0
    assert counts.get("byttet_bolig", 2020) == 9


def test_a_bad_year_names_the_year_cell(tmp_path: Path) -> None:
    text = (DATA / "eksempelby-mal.csv").read_text(encoding="utf-8")
    path = tmp_path / "aar.csv"
    path.write_text(text.replace("2022,venteliste,", "20222,venteliste,"), encoding="utf-8")
    assert "aar.csv: row 33, column år: year '20222' is not a year" in error_text(path)


def test_refugees_cannot_exceed_all_households_moving_in(tmp_path: Path) -> None:
    text = (DATA / "eksempelby-mal.csv").read_text(encoding="utf-8")
    path = tmp_path / "fly.csv"
    path.write_text(
        text.replace("2022,nyinnflyttede_flyktninger,12,", "2022,nyinnflyttede_flyktninger,70,"),
        "utf-8",
    )
    message = error_text(path)
    assert "nyinnflyttede 2022 is 57, less than its part(s) nyinnflyttede_flyktninger 70" in message


def test_the_docs_example_is_the_test_fixture() -> None:
    docs = Path(__file__).parent.parent / "docs" / "reference" / "kostra-eksempelby.json"
    assert docs.read_bytes() == (DATA / "eksempelby.json").read_bytes()


def test_a_few_counts_still_make_a_folder_that_calibrates(tmp_path: Path) -> None:
    """Only the stock and the households moving in: no refugee group, no approval to
    fit, applications borrowed per dwelling; a falling stock takes the time-limited
    dwellings first, then the permanent ones."""
    path = tmp_path / "lite.csv"
    path.write_text(
        "år,variabel,verdi,kilde\n"
        "2021,boliger_i_alt,100,eget register\n2021,nyinnflyttede,12,eget register\n"
        "2022,boliger_i_alt,60,eget register\n2022,nyinnflyttede,10,eget register\n",
        encoding="utf-8",
    )
    out = tmp_path / "lite"
    result = invoke("init", "Lite", "--from", path, "--out", out)
    assert result.exit_code == 0, result.output
    scenario = yaml.safe_load((out / "lite.yaml").read_text(encoding="utf-8"))
    assert set(scenario["groups"]) == {"vanskeligstilte", "omsorg"}
    assert scenario["stock"]["tidsbestemt"]["units"] == 31
    assert scenario["builds"] == [
        {"year": 2022, "category": "tidsbestemt", "units": -31},
        {"year": 2022, "category": "varig", "units": -9},
    ]
    spec = yaml.safe_load((out / "lite-spec.yaml").read_text(encoding="utf-8"))
    assert "groups.vanskeligstilte.approval" not in spec["parameters"]
    assert "groups.vanskeligstilte.self_sufficient_years" in spec["parameters"]
    assert invoke("validate", out / "lite.yaml").exit_code == 0
    calibrated = tiny_calibration(out / "lite-spec.yaml", tmp_path / "fit")
    assert calibrated.exit_code == 0, calibrated.output


def tiny_calibration(spec: Path, out: Path, *more: str | Path) -> Result:
    """`sim calibrate SPEC` with 4 evaluations of one replication, no profile."""
    settings = ("replications=1", "fit_replications=2", "profile=false")
    options = [part for setting in settings for part in ("--set", setting)]
    return invoke("calibrate", spec, "--budget", "4", *options, "--out", out, *more, "--quiet")


def test_the_borrowed_list_split_and_permanent_exits_are_askers() -> None:
    """The share of the waiting list that is disadvantaged is Asker's over Table 7's three
    years, and the permanent dwellings' exit rate is Asker's permanent categories' rates
    weighted by their dwellings, both as shown (two significant figures and three)."""
    import pandas as pd

    from sim.config.loader import load_scenario
    from sim.kostra.scenario_text import PERMANENT_EXIT, WAITING_SHARE

    targets = pd.read_csv(ROOT / "calibration/targets/asker.csv", keep_default_na=False)
    lists = targets[(targets.metric == "waiting") & (targets.group != "")]
    disadvantaged = lists[lists.group == "disadvantaged"].observed.sum()
    assert (disadvantaged, lists.observed.sum()) == (98, 503)
    assert round(disadvantaged / lists.observed.sum(), 2) == WAITING_SHARE
    asker = load_scenario(ROOT / "scenarios/asker.yaml")
    permanent = ("trygd", "service", "omsorg_elderly", "omsorg_psychiatry", "omsorg_puh")
    units = exits = 0.0
    for group in asker.groups.values():
        (category,) = group.eligible
        if category in permanent:
            units += asker.stock[category].units
            exits += asker.stock[category].units * group.other_exit_per_year
    assert units == 591
    assert round(exits / units, 3) == PERMANENT_EXIT
