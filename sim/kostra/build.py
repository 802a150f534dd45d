"""``sim init NAME --from FILE``: a folder with a scenario, its targets, a calibration
spec and a README in Norwegian, made from one municipality's KOSTRA counts."""

from __future__ import annotations

import csv
import io
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.provenance import Input, write_manifest
from sim.analysis.replace import atomic_folder, check_out_dir
from sim.config.errors import InputError, Problem
from sim.kostra.checks import Counts
from sim.kostra.readers import read_counts
from sim.kostra.scenario_text import WAITING_SHARE, asker, guesses, rounded, scenario_yaml
from sim.kostra.variables import BY_ID, VARIABLES, normalised

TARGET_COLUMNS = ("year", "metric", "group", "category", "observed", "low", "high", "weight")
# KOSTRA variable -> (metric, group, weight, how the model's figure is read)
TARGETS: dict[str, tuple[str, str, float, str]] = {
    "boliger_i_alt": ("units", "", 1, "dwellings at year end"),
    "nye_soknader": ("applications", "", 1, "all applications, refugees' included"),
    "avslag": ("refusals", "", 1, "all refusals"),
    "innvilget": ("approvals", "", 1, "applications granted"),
    "venteliste": ("waiting", "", 1, "households on the list at year end"),
    "nyinnflyttede": ("allocations", "", 1, "new households moving in (transfers apart)"),
    "nyinnflyttede_flyktninger": ("allocations", "flyktninger", 1, "refugees moving in"),
    "forlenget_kontrakt": (
        "renewals",
        "",
        0.5,
        "contracts renewed; weight 0.5: KOSTRA may count renewals of permanent contracts too",
    ),
    "byttet_bolig": (
        "transfers",
        "",
        0,
        "weight 0, shown only: the model moves tenants only when a contract is not renewed, "
        "KOSTRA counts every move between municipal dwellings",
    ),
}


@dataclass
class Folder:
    """What ``sim init`` wrote."""

    folder: Path
    scenario: Path
    targets: Path
    spec: Path
    counts: Counts
    fitted: list[str]

    def summary(self) -> str:
        """What was read and written, and the next commands (paths relative to the
        current folder when the folder lies in it)."""
        folder = shown_path(self.folder)
        scenario, spec = folder / self.scenario.name, folder / self.spec.name
        years = self.counts.years
        region = f" ({self.counts.region})" if self.counts.region else ""
        lines = [
            f"read {len(self.counts.values)} counts for {years[0]}-{years[-1]}{region} "
            f"from {self.counts.file.name}",
            f"wrote {folder}/: {self.scenario.name}, {self.targets.name}, "
            f"{self.spec.name}, README.md",
            "next:",
            f"  sim validate {scenario}",
            f"  sim calibrate {spec} --method abc --jobs 2 --scenario-out "
            f"{folder / (scenario.stem + '-kalibrert.yaml')}",
            f"  sim run {folder / (scenario.stem + '-kalibrert.yaml')} --out {folder / 'resultat'}",
            f"  sim report {folder / 'resultat'} --lang nb",
        ]
        return "\n".join(lines)


def shown_path(path: Path) -> Path:
    """``path`` relative to the current folder if it lies in it, else as given."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (OSError, ValueError):
        return path


def scenario_name(name: str) -> str:
    """The scenario's name (file and result-folder name) for a municipality's name.

    >>> scenario_name("Bærum"), scenario_name("Nord-Aurdal kommune")
    ('baerum', 'nord-aurdal_kommune')
    """
    return "-".join(part for part in (normalised(p) for p in name.split("-")) if part)


def targets_csv(counts: Counts) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*TARGET_COLUMNS, "source"))
    for (variable, year), value in sorted(counts.values.items(), key=lambda i: (i[0][1], i[0][0])):
        if variable not in TARGETS:
            continue
        metric, group, weight, how = TARGETS[variable]
        source = f"KOSTRA {BY_ID[variable].text} ({variable}), {counts.sources[(variable, year)]}"
        writer.writerow((year, metric, group, "", value, "", "", weight, f"{source}: {how}"))
    for year, value in sorted(counts.series("venteliste").items()):
        # KOSTRA's list is one total: without a split a fit may put the whole list on
        # either group, and a list of care applicants alone leaves no queue to fill new
        # time-limited dwellings
        share = round(WAITING_SHARE * value)
        source = (
            f"{WAITING_SHARE * 100:.0f} % of venteliste {year} ({value}), "
            + asker("Tabell 7, l. 2060: 98 of the 503 on its lists by category 2008-2010")
            + "; weight 0.5: the split is borrowed, KOSTRA gives the total only"
        )
        writer.writerow((year, "waiting", "vanskeligstilte", "", share, "", "", 0.5, source))
    return out.getvalue()


def spec_yaml(name: str, counts: Counts) -> tuple[str, list[str]]:
    """The calibration spec and the parameters it fits."""
    guess = guesses(counts)
    given = {variable for variable, _ in counts.values}
    rows: list[tuple[str, float, float, float, bool, str]] = [
        (
            "groups.vanskeligstilte.applications_per_year",
            guess.applications,
            rounded(guess.applications / 4),
            rounded(guess.applications * 4),
            True,
            "nye søknader and the waiting list",
        ),
        (
            "groups.omsorg.applications_per_year",
            guess.care_applications,
            rounded(guess.care_applications / 4),
            rounded(guess.care_applications * 4),
            True,
            "nye søknader and the allocations",
        ),
    ]
    if given & {"avslag", "innvilget"}:
        rows.append(
            ("groups.vanskeligstilte.approval", guess.approval, 0.05, 0.98, False, "avslag")
        )
    if "venteliste" in given:
        rows.append(
            ("groups.vanskeligstilte.withdraw_per_year", 0.057, 0.01, 3.0, True, "venteliste")
        )
    if "nyinnflyttede" in given:
        rows.append(
            (
                "groups.vanskeligstilte.self_sufficient_years",
                3.92,
                1.0,
                12.0,
                True,
                "nyinnflyttede (vacancies follow tenants leaving)",
            )
        )
    lines = [
        f"# Calibration spec written by `sim init` for {name}.yaml: the parameters the",
        "# KOSTRA counts can inform, each with the counts that tell it. Every guess equals",
        "# the scenario's value. Priors (--method abc): uniform, log-uniform for rates.",
        f"name: {name}",
        f"description: Fit {name}'s application rates and list parameters to its KOSTRA counts",
        f"scenario: {name}.yaml",
        f"targets: {name}-targets.csv",
        "parameters:",
    ]
    for key, value, low, high, log, why in rows:
        flag = ", log: true" if log else ""
        lines.append(f"  {key}: {{low: {low}, high: {high}, guess: {value}{flag}}}   # {why}")
    lines += [
        "replications: 4                      # per evaluation, same seeds every evaluation",
        "budget: 80                           # evaluations",
        f"seed: {counts.years[0]}",
        "fit_replications: 20",
        "abc:                                 # sim calibrate --method abc",
        "  population: 100",
        "  generations: 6",
        "  replications: 2",
        "  predictive_draws: 100",
        "  discrepancy: {share: 0.1, minimum: 1}   # assumption, as calibration/lorenskog.yaml",
    ]
    return "\n".join(lines) + "\n", [row[0] for row in rows]


def readme(name: str, label: str, counts: Counts, fitted: list[str]) -> str:
    years = counts.years
    given = {variable for variable, _ in counts.values}
    read = [v.id for v in VARIABLES if v.id in given]
    lines = [
        f"# {label}: grunnlag fra KOSTRA",
        "",
        f"Laget av `sim init` fra `kilde/{counts.file.name}`"
        + (f" ({counts.region})" if counts.region else "")
        + f", årene {years[0]}–{years[-1]}.",
        "",
        "## Dette ble lest",
        "",
    ]
    for variable in read:
        series = counts.series(variable)
        shown = ", ".join(f"{y}: {v}" for y, v in series.items())
        lines.append(f"- {BY_ID[variable].text} (`{variable}`): {shown}")
    if counts.ignored:
        lines += ["", "Ikke brukt (andre variabler i filen): " + "; ".join(counts.ignored)]
    lines += [
        "",
        "## Dette er lånt",
        "",
        f"KOSTRA gir ikke kontraktlengder, fornyelsespraksis, oppfølgingskapasitet, bruk av "
        f"hospits eller fordelingen på grupper. I `{name}.yaml` er disse hentet fra de "
        "kalibrerte grunnlagene for Asker og Lørenskog som følger med sim, og hver slik linje "
        "er merket «lånt fra Asker» eller «lånt fra Lørenskog … bytt ut med egne tall». "
        "Det gjelder særlig:",
        "",
        "- at 31 % av boligene har tidsbestemte kontrakter på tre år og resten varige;",
        "- at 42 % av søknadene (utenom flyktninger) kommer fra vanskeligstilte, resten fra "
        "søkere til omsorgs- og trygdeboliger;",
        f"- at {WAITING_SHARE * 100:.0f} % av ventelisten er vanskeligstilte (et mål med vekt "
        f"0,5 i `{name}-targets.csv`; KOSTRA gir bare summen);",
        "- hvor ofte leietakere i varige boliger flytter ut (Askers trygde-, service- og "
        "omsorgsboliger, veid etter antall);",
        "- oppfølgingskapasiteten (Askers 20 plasser per 827 boliger, skalert);",
        "- hospitsbruk og bostedsløshet (Lørenskog);",
        "- at endringer i boligtallet fra år til år gjelder de tidsbestemte boligene;",
        "- prisene (`costs`): Askers, de fleste antagelser, husleien fra Akershus 2010 "
        "(KOSTRAs boligutgifter brukes ikke ennå).",
        "",
        "## Dette bør dere sjekke",
        "",
        f"1. Les `{name}.yaml` og bytt ut lånte tall med egne der dere har dem.",
        f"2. `{name}-targets.csv` sier hvilken celle hvert mål kommer fra, og hvordan "
        "modellens tall leses.",
        f"3. `{name}-spec.yaml` kalibrerer: " + ", ".join(f"`{p}`" for p in fitted) + ".",
        "4. Modellen flytter leietakere mellom kommunale boliger bare når en kontrakt ikke "
        "fornyes; KOSTRA teller alle bytter. Bytter vises derfor i målene, men med vekt 0, "
        "og forlengede kontrakter med vekt 0,5 (KOSTRA kan telle forlengelser av varige "
        "kontrakter også).",
        "5. Etter kalibreringen: se `fit.csv` (ligger tallene innenfor intervallet?) og "
        "`identifiability.csv` (hvilke parametere tallene faktisk bestemmer).",
        "",
        "## Neste steg",
        "",
        "```bash",
        f"sim calibrate {name}-spec.yaml --method abc --jobs 2 --scenario-out "
        f"{name}-kalibrert.yaml",
        f"sim run {name}-kalibrert.yaml --out resultat",
        "sim report resultat --lang nb",
        "```",
        "",
        "`--method abc` (bayesiansk kalibrering) krever `python -m pip install "
        "'sim-housing[calibration]'`; uten den gir `sim calibrate` uten `--method abc` "
        "beste verdier i stedet for en fordeling.",
        "",
    ]
    return "\n".join(lines)


def init(name: str, source: Path, out: Path | None = None, force: bool = False) -> Folder:
    """Read ``source``, check it and write the folder (default ``kommuner/<name>``)."""
    scenario = scenario_name(name)
    if not scenario or not scenario[0].isalnum():
        raise InputError(
            [Problem("NAME", "", f"{name!r} gives no usable name; use letters and digits")]
        )
    folder = out if out is not None else Path("kommuner") / scenario
    check_out_dir(folder, force, [source])
    counts = read_counts(source)
    label = name.strip()
    started = time.time()
    spec_text, fitted = spec_yaml(scenario, counts)
    with atomic_folder(folder, force) as temporary:
        (temporary / "kilde").mkdir()
        shutil.copyfile(source, temporary / "kilde" / source.name)
        text = scenario_yaml(scenario, label, counts, f"kilde/{source.name}")
        (temporary / f"{scenario}.yaml").write_text(text, encoding="utf-8")
        (temporary / f"{scenario}-targets.csv").write_text(targets_csv(counts), encoding="utf-8")
        (temporary / f"{scenario}-spec.yaml").write_text(spec_text, encoding="utf-8")
        (temporary / "README.md").write_text(readme(scenario, label, counts, fitted), "utf-8")
        write_manifest(
            temporary,
            kind="init",
            scenario=None,
            scenario_file=None,
            seed=None,
            replications=None,
            started=started,
            finished=time.time(),
            inputs=[Input("kostra", counts.region, source)],
            extra={"years": counts.years, "fitted": fitted},
        )
    return Folder(
        folder,
        folder / f"{scenario}.yaml",
        folder / f"{scenario}-targets.csv",
        folder / f"{scenario}-spec.yaml",
        counts,
        fitted,
    )
