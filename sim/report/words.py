"""The reports' own words in English (``en``) and Norwegian bokmål (``nb``); metric names
and units come from the metric catalogue (:mod:`sim.analysis.labels`).

>>> say("overview", "nb")
'Oversikt'
"""

from __future__ import annotations

from sim.analysis.labels import Phrases, number, phrase, unit
from sim.report.words_posterior import POSTERIOR_TEXT

__all__ = ["FAMILIES", "TEXT", "number", "say", "unit"]

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
    "engine": ("Engine", "Motor"),
    "files_checked": ("Files checked", "Filer kontrollert"),
    "files_checked_yes": (
        "yes: the size and SHA-256 of its {n} files are those recorded in manifest.json",
        "ja: størrelsen og SHA-256 for de {n} filene er de som står i manifest.json",
    ),
    "files_unchecked": (
        "no: the folder was written before manifests recorded checksums",
        "nei: mappen ble skrevet før manifestene registrerte sjekksummer",
    ),
    "started": ("Started", "Startet"),
    "wall_seconds": ("Seconds", "Sekunder"),
    "made_by": (
        "Made by sim report from {folder}; remake it with: sim report {folder}",
        "Laget av sim report fra {folder}; lag den på nytt med: sim report {folder}",
    ),
    "total": ("total", "totalt"),
    "in_year": ("in {year}", "i {year}"),
    "yes": ("yes", "ja"),
    "no": ("no", "nei"),
    "answer": ("The answer", "Svaret"),
    "no_scenario": (
        "This folder holds no scenario as run, so its keys are not listed.",
        "Mappen har ikke scenarioet slik det ble kjørt, så nøklene er ikke listet.",
    ),
    # brief.pdf
    "brief_assumptions": ("Assumptions that matter most", "Antagelsene som betyr mest"),
    "brief_why": ("Why this value", "Hvorfor denne verdien"),
    "brief_rank": (
        "rank {rank} in the sensitivity analysis",
        "nummer {rank} i følsomhetsanalysen",
    ),
    "brief_assumptions_ranked": (
        "The scenario's values the sensitivity analysis found the answer most sensitive to.",
        "Verdiene i scenarioet som følsomhetsanalysen fant at svaret er mest følsomt for.",
    ),
    "brief_assumptions_marked": (
        "{shown} of the {n} values the scenario file marks as an assumption (not from a "
        "report; how the model is run, such as its years and replications, apart), with the "
        "comment beside each; the full list is in the report's assumptions.",
        "{shown} av de {n} verdiene scenariofilen merker som en antagelse (ikke fra en "
        "rapport; hvordan modellen kjøres, som år og replikasjoner, er holdt utenfor), med "
        "kommentaren ved hver; hele listen står i rapportens antagelser.",
    ),
    "brief_assumption_in_english": ("an assumption{cited}", "antagelse{cited}"),
    "brief_comments_in_english": (
        "",
        "Kommentarer skrevet på engelsk i scenariofilen står i rapportens antagelser.",
    ),
    "brief_cites": ("; the report, l. {lines}", "; rapporten, l. {lines}"),
    "brief_no_assumptions": (
        "The scenario file is not at hand or marks no value as an assumption; the report "
        "lists every value the model ran with.",
        "Scenariofilen er ikke tilgjengelig eller merker ingen verdi som antagelse; "
        "rapporten lister hver verdi modellen ble kjørt med.",
    ),
    "brief_folder": ("Result folder", "Resultatmappe"),
    "brief_how_to_read": (
        "Every number is a mean over the model's replications; the 95 % interval says how "
        "precisely they pin it down. The model answers under its stated assumptions; it "
        "does not forecast.",
        "Hvert tall er et gjennomsnitt over modellens replikasjoner; 95 %-intervallet sier "
        "hvor presist de fastsetter det. Modellen svarer under sine oppgitte antagelser; den "
        "er ingen prognose.",
    ),
    "brief_footer": ("sim report, from {folder}", "sim report, fra {folder}"),
    # sim compare
    "title_compare": (
        "Comparison: {name} and alternatives",
        "Sammenligning: {name} og alternativer",
    ),
    "question_compare": (
        "How {alternatives} differ from {name} in {first}–{last}, each run with the same "
        "random numbers over {n} replications (paired differences).",
        "Hvordan {alternatives} skiller seg fra {name} i {first}–{last}, alle kjørt med de "
        "samme tilfeldige tallene over {n} replikasjoner (parvise forskjeller).",
    ),
    "compare_change": (
        "{alternative} against {name}: {metric} {difference} {unit}{share}; "
        "{interval} {low} to {high}",
        "{alternative} mot {name}: {metric} {difference} {unit}{share}; "
        "{interval} {low} til {high}",
    ),
    "compare_change_one": (
        "{metric}: {difference} {unit}{share}; {interval} {low} to {high}",
        "{metric}: {difference} {unit}{share}; {interval} {low} til {high}",
    ),
    "compare_share": (" ({share} % of the base)", " ({share} % av utgangspunktet)"),
    "compare_answer": (
        "{alternative} against {name}: the largest change is {metric}, {difference} {unit} "
        "a year on average over the reported years ({interval} {low} to {high}).",
        "{alternative} mot {name}: den største endringen er {metric}, {difference} {unit} "
        "i gjennomsnitt over de rapporterte årene ({interval} {low} til {high}).",
    ),
    "compare_rule": (
        "Ranked: changes whose 95 % interval excludes zero first, then by the size of the "
        "change relative to the base's mean over the reported years.",
        "Rangert: endringer der 95 %-intervallet ikke inneholder null først, deretter etter "
        "hvor stor endringen er i forhold til utgangspunktets gjennomsnitt over de "
        "rapporterte årene.",
    ),
    "main_changes": ("The main changes", "Det viktigste"),
    "compare_lead": (
        "{alternative} against {name}, mean over the reported years:",
        "{alternative} mot {name}, gjennomsnitt over de rapporterte årene:",
    ),
    "table_horizon": ("Over the reported years", "Over de rapporterte årene"),
    "table_by_year": ("By year", "Etter år"),
    "horizon_note": (
        "Mean over the reported years of each replication's yearly values.",
        "Gjennomsnitt over de rapporterte årene av hver replikasjons årlige verdier.",
    ),
    "alternative": ("Alternative", "Alternativ"),
    "base_mean": ("Base, mean", "Utgangspunkt, gjennomsnitt"),
    "alternative_mean": ("Alternative, mean", "Alternativ, gjennomsnitt"),
    "difference": ("Difference (alternative − base)", "Forskjell (alternativ − utgangspunkt)"),
    "unpaired_ci_low": ("Unpaired 95 % interval, low", "Uparet 95 % intervall, nedre"),
    "unpaired_ci_high": ("Unpaired 95 % interval, high", "Uparet 95 % intervall, øvre"),
    "width_ratio": ("Paired/unpaired width", "Bredde parvis/uparet"),
    "parameter_share": (
        "From parameters (share of the variance)",
        "Fra parameterne (andel av variansen)",
    ),
    "n": ("Replications", "Replikasjoner"),
    "ci_low": ("95 % interval, low", "95 % intervall, nedre"),
    "ci_high": ("95 % interval, high", "95 % intervall, øvre"),
    # sim sweep and sim tradeoff
    "title_sweep": ("Sweep: {name}", "Gjennomkjøring: {name}"),
    "question_sweep": (
        "What the model gives for {name} in {first}–{last} at {points} combinations of "
        "{keys}, {n} replications each with the same random numbers.",
        "Hva modellen gir for {name} i {first}–{last} for {points} kombinasjoner av {keys}, "
        "{n} replikasjoner hver med de samme tilfeldige tallene.",
    ),
    "sweep_sentence": (
        "{metric} in {year}: from {low} {unit} ({low_point}) to {high} {unit} ({high_point})",
        "{metric} i {year}: fra {low} {unit} ({low_point}) til {high} {unit} ({high_point})",
    ),
    "table_points": ("By point and year", "Etter punkt og år"),
    "title_tradeoff": (
        "Throughput against stability: {name}",
        "Gjennomstrømning mot stabilitet: {name}",
    ),
    "question_tradeoff": (
        "How many households {points} policies of {name} help, and how stable their homes "
        "are, in {first}–{last} ({keys} varied; {n} replications each, the same random "
        "numbers).",
        "Hvor mange husstander {points} politikker for {name} hjelper, og hvor stabile "
        "boligene er, i {first}–{last} ({keys} varieres; {n} replikasjoner hver, de samme "
        "tilfeldige tallene).",
    ),
    "tradeoff_sentence": (
        "Most throughput: {most} ({most_value}); fewest forced moves: {fewest} "
        "({fewest_value} per 100 tenant-years)",
        "Størst gjennomstrømning: {most} ({most_value}); færrest tvungne flyttinger: "
        "{fewest} ({fewest_value} per 100 leieår)",
    ),
    "table_policies": ("Policies", "Politikker"),
    "policy": ("Policy", "Politikk"),
    "interval_low": ("{name}: 95 % interval, low", "{name}: 95 % intervall, nedre"),
    "interval_high": ("{name}: 95 % interval, high", "{name}: 95 % intervall, øvre"),
    # sim size
    "title_size": ("Units needed: {name}", "Boliger som trengs: {name}"),
    "question_size": (
        "How many units {category} needs {how} from {first} so that {target} holds in "
        "every year from {last} in at least {p} of the replications.",
        "Hvor mange boliger {category} trenger {how} fra {first} for at {target} skal "
        "holde i hvert år fra {last} i minst {p} av replikasjonene.",
    ),
    "a_year": ("a year", "per år"),
    "once": ("once", "én gang"),
    "size_answer": (
        "{units} units {how} in {category} from {first}.",
        "{units} boliger {how} i {category} fra {first}.",
    ),
    "size_none": (
        "Not reached with up to {units} units {how}.",
        "Ikke nådd med opptil {units} boliger {how}.",
    ),
    "size_analytic": (
        "Queueing estimate (M/M/c, Erlang C), for comparison: {units} units {how}.",
        "Køteoretisk anslag (M/M/c, Erlang C), til sammenligning: {units} boliger {how}.",
    ),
    "table_curve": ("Probability curve", "Sannsynlighetskurve"),
    "units": ("Units added", "Boliger lagt til"),
    "target": ("Target", "Mål"),
    "metric_mean": ("Measure, mean", "Mål, gjennomsnitt"),
    "metric_ci_low": ("Measure, 95 % interval, low", "Mål, 95 % intervall, nedre"),
    "metric_ci_high": ("Measure, 95 % interval, high", "Mål, 95 % intervall, øvre"),
    "probability": ("Probability of meeting the target", "Sannsynlighet for å nå målet"),
    "probability_ci_low": (
        "Probability, 95 % interval, low",
        "Sannsynlighet, 95 % intervall, nedre",
    ),
    "probability_ci_high": (
        "Probability, 95 % interval, high",
        "Sannsynlighet, 95 % intervall, øvre",
    ),
    "chosen": ("Chosen", "Valgt"),
    # sim calibrate
    "title_calibrate": ("Calibration: {name}", "Kalibrering: {name}"),
    "question_calibrate": (
        "How well {name} reproduces the reported counts once its uncertain values are fitted "
        "({evaluations} evaluations of {n} replications).",
        "Hvor godt {name} gjengir de rapporterte tallene når de usikre verdiene er tilpasset "
        "({evaluations} evalueringer av {n} replikasjoner).",
    ),
    "fit_sentence": (
        "{inside} of {total} fitted targets lie inside the simulated 90 % interval.",
        "{inside} av {total} tilpassede mål ligger innenfor det simulerte 90 %-intervallet.",
    ),
    "parameter_sentence": ("{parameter}: {value} ({verdict})", "{parameter}: {value} ({verdict})"),
    "table_fit": ("Fit", "Tilpasning"),
    "table_parameters": ("Fitted values", "Tilpassede verdier"),
    "table_holdout": ("Held-out years", "Holdt utenfor"),
    "observed": ("Observed", "Observert"),
    "low": ("Reported range, low", "Rapportert spenn, nedre"),
    "high": ("Reported range, high", "Rapportert spenn, øvre"),
    "simulated_mean": ("Simulated, mean", "Simulert, gjennomsnitt"),
    "simulated_p05": ("Simulated, 5th percentile", "Simulert, 5. persentil"),
    "simulated_p95": ("Simulated, 95th percentile", "Simulert, 95. persentil"),
    "inside": ("Inside the 90 % interval", "Innenfor 90 %-intervallet"),
    "relative_error": ("Relative error", "Relativ feil"),
    "used_in_fit": ("Used in the fit", "Brukt i tilpasningen"),
    "parameter": ("Value", "Verdi"),
    "best": ("Fitted", "Tilpasset"),
    "search_low": ("Searched from", "Søkt fra"),
    "search_high": ("Searched to", "Søkt til"),
    "log_scale": ("Log scale", "Logaritmisk skala"),
    "near_best_min": ("Near-best trials, lowest", "Nesten beste forsøk, lavest"),
    "near_best_max": ("Near-best trials, highest", "Nesten beste forsøk, høyest"),
    "near_best_trials": ("Near-best trials", "Nesten beste forsøk"),
    "profile_low": ("Profile, low", "Profil, nedre"),
    "profile_high": ("Profile, high", "Profil, øvre"),
    "share_of_search_range": ("Share of the search range", "Andel av søkeområdet"),
    "verdict": ("Verdict", "Vurdering"),
    "all groups": ("all groups", "alle grupper"),
    "all categories": ("all categories", "alle kategorier"),
    "sum of the targets above": ("sum of the targets above", "summen av målene over"),
    "pinned down": ("pinned down", "godt bestemt"),
    "weakly identified": ("weakly identified", "svakt bestemt"),
    "not identified by these targets": (
        "not identified by these targets",
        "ikke bestemt av disse målene",
    ),
    "identified": ("identified", "bestemt"),
    **POSTERIOR_TEXT,
}


def say(key: str, language: str, **values: object) -> str:
    """The text ``key`` in ``language`` (``en`` or ``nb``), filled with ``values``."""
    return phrase(TEXT, key, language, **values)
