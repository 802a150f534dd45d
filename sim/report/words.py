"""The reports' own words in English (``en``) and Norwegian bokmål (``no``); metric names
and units come from the metric catalogue (:mod:`sim.analysis.labels`).

>>> say("overview", "no")
'Oversikt'
"""

from __future__ import annotations

from sim.analysis.labels import Phrases, phrase, unit

__all__ = ["FAMILIES", "TEXT", "say", "unit"]

FAMILIES: dict[str, tuple[str, ...]] = {
    "flows": ("flow",),
    "stocks": ("stock",),
    "time": ("integral",),
    "rates": ("ratio", "wait"),
    "costs": ("cost",),
}
"""Metric families (the catalogue's kinds), one summary sheet each."""

TEXT: Phrases = {
    "title": ("Simulation report: {name}", "Simuleringsrapport: {name}"),
    "overview": ("Overview", "Oversikt"),
    "question": (
        "What the model gives for {name} in {first}–{last}, over {n} replications.",
        "Hva modellen gir for {name} i {first}–{last}, over {n} replikasjoner.",
    ),
    "description": ("Scenario", "Scenario"),
    "key_figures": ("Key figures", "Nøkkeltall"),
    "provenance": ("How it was run", "Hvordan det ble kjørt"),
    "how_to_read": ("How to read this", "Slik leser du rapporten"),
    "how_to_read_text": (
        "The model is run many times (replications) with different random numbers; every "
        "figure is the mean over the replications. The 95 % interval is where the mean "
        "would lie with 95 % confidence if the model were run without end: it says how "
        "precisely the replications pin the mean down, not how much a single year can "
        "vary (the figures' bands show that: the 10th to 90th percentile of the "
        "replications). More replications give narrower intervals. The model answers "
        "under its stated assumptions (the sheet or section of assumptions lists each "
        "with its source); it does not forecast.",
        "Modellen kjøres mange ganger (replikasjoner) med ulike tilfeldige tall; hvert tall "
        "er gjennomsnittet over replikasjonene. 95 %-intervallet er der gjennomsnittet "
        "ville ligget med 95 % sikkerhet om modellen ble kjørt uendelig mange ganger: det "
        "sier hvor presist replikasjonene fastsetter gjennomsnittet, ikke hvor mye ett "
        "enkelt år kan variere (båndene i figurene viser det: 10. til 90. persentil av "
        "replikasjonene). Flere replikasjoner gir smalere intervaller. Modellen svarer "
        "under sine oppgitte antagelser (listen over antagelser gir kilden til hver); "
        "den er ingen prognose.",
    ),
    "figures": ("Figures", "Figurer"),
    "assumptions": ("Assumptions", "Antagelser"),
    "assumptions_text": (
        "Every key of the scenario as it was run, its value, and the comment beside it in "
        "the scenario file: the report line it comes from, or the word assumption.",
        "Hver nøkkel i scenarioet slik det ble kjørt, verdien, og kommentaren ved siden av "
        "i scenariofilen: linjen i rapporten tallet kommer fra, eller ordet antagelse.",
    ),
    "summary": ("Summary", "Sammendrag"),
    "family_flows": ("Flows per year", "Strømmer per år"),
    "family_stocks": ("At year end", "Ved årets slutt"),
    "family_time": ("Over the year", "Gjennom året"),
    "family_rates": ("Rates and waits", "Rater og ventetider"),
    "family_costs": ("Costs", "Kostnader"),
    "sheet_flows": ("Flows", "Strømmer"),
    "sheet_stocks": ("Stocks", "Beholdninger"),
    "sheet_time": ("Over the year", "Gjennom året"),
    "sheet_rates": ("Rates and waits", "Rater og ventetider"),
    "sheet_costs": ("Costs", "Kostnader"),
    "metric": ("Measure", "Mål"),
    "unit": ("Unit", "Enhet"),
    "group": ("Group", "Gruppe"),
    "category": ("Category", "Kategori"),
    "statistic": ("Statistic", "Størrelse"),
    "stat_mean": ("mean", "gjennomsnitt"),
    "stat_ci_low": ("95 % interval, low", "95 % intervall, nedre"),
    "stat_ci_high": ("95 % interval, high", "95 % intervall, øvre"),
    "all": ("all", "alle"),
    "year": ("Year", "År"),
    "mean": ("Mean", "Gjennomsnitt"),
    "interval": ("95 % interval", "95 % intervall"),
    "key": ("Key", "Nøkkel"),
    "value": ("Value", "Verdi"),
    "source": ("Source or assumption", "Kilde eller antagelse"),
    "file": ("File", "Fil"),
    "meaning": ("Meaning", "Betydning"),
    "scenario": ("Scenario", "Scenario"),
    "scenario_file": ("Scenario file", "Scenariofil"),
    "scenario_sha256": ("Scenario file SHA-256", "Scenariofilens SHA-256"),
    "years": ("Reported years", "Rapporterte år"),
    "warmup": ("Warm-up years", "Innkjøringsår"),
    "replications": ("Replications", "Replikasjoner"),
    "seed": ("Seed", "Frø (seed)"),
    "version": ("sim-housing version", "sim-housing-versjon"),
    "commit": ("Git commit", "Git-commit"),
    "command": ("Command", "Kommando"),
    "started": ("Started", "Startet"),
    "wall_seconds": ("Seconds", "Sekunder"),
    "made_by": (
        "Made by sim report from {folder}; remake it with: sim report {folder}",
        "Laget av sim report fra {folder}; lag den på nytt med: sim report {folder}",
    ),
    "total": ("total", "totalt"),
    "in_year": ("in {year}", "i {year}"),
}


def say(key: str, language: str, **values: object) -> str:
    """The text ``key`` in ``language`` (``en`` or ``no``), filled with ``values``."""
    return phrase(TEXT, key, language, **values)
