"""Every label of the app in English (``en``) and Norwegian bokmål (``nb``).

Metric names come from the one metric catalogue (:func:`sim.analysis.labels.label`); the
words of the page are here, one entry per text, both languages side by side.

>>> say("run", "nb")
'Kjør'
>>> say("points", "en", n=3)
'Points on the chart: 3'

Numbers in a text are written as the reader of the language writes them, through
:func:`sim.analysis.labels.number` (the format a text gives, ``{seconds:.1f}``, says how
many digits):

>>> say("ran", "nb", label="x", reps=2, seconds=1234.56, cached="")
'x: 2 replikasjoner på 1\xa0234,6 s.'
>>> say("simulated", "nb", units=3, confidence=0.8, seconds=12.4)
'Simulert: 3 boliger per år når målet i minst 80\xa0% av replikasjonene (12 s).'
"""

from __future__ import annotations

import math
import re
import string
from numbers import Integral, Real

from sim.analysis.labels import Phrases, label, number

LANGUAGES = {"en": "English", "nb": "Norsk (bokmål)"}

TEXT: Phrases = {
    # frame
    "title": (
        "Social housing: throughput or stable homes?",
        "Kommunale boliger: gjennomstrømning eller stabile hjem?",
    ),
    "language": ("Language / Språk", "Språk / Language"),
    "page": ("Page", "Side"),
    "page_tradeoff": ("Trade-off", "Avveiing"),
    "page_compare": ("Compare", "Sammenlign"),
    "page_units": ("Units needed", "Boligbehov"),
    "page_about": ("About the model", "Om modellen"),
    "baseline": ("Baseline", "Utgangspunkt"),
    "baseline_help": (
        "A calibrated municipality, a file named at start-up, or pasted text",
        "En kalibrert kommune, en fil oppgitt ved oppstart, eller innlimt tekst",
    ),
    "pasted": ("Pasted or uploaded scenario", "Innlimt eller opplastet scenario"),
    "paste_title": ("Your own scenario (YAML)", "Eget scenario (YAML)"),
    "paste_help": (
        "Paste scenario YAML, merged onto the chosen baseline (no extends, no files); "
        "at most {limit:,} bytes",
        "Lim inn scenario-YAML, lagt over valgt utgangspunkt (uten extends og filer); "
        "høyst {limit:,} byte",
    ),
    "paste_text": ("Scenario text", "Scenariotekst"),
    "upload": ("… or upload a .yaml file", "… eller last opp en .yaml-fil"),
    "use_pasted": ("Check and use", "Kontroller og bruk"),
    "pasted_ok": (
        "Scenario {name!r} is valid and selected.",
        "Scenario {name!r} er gyldig og valgt.",
    ),
    "pasted_mark": ("pasted", "limt inn"),
    # run budget and cancel (every page that runs)
    "budget_ok": (
        "Estimated work: {events} events, about {seconds:.0f} s.",
        "Anslått arbeid: {events} hendelser, omtrent {seconds:.0f} s.",
    ),
    "budget_confirm": (
        "This run is large: about {events} events, some {minutes} minutes on the "
        "shared workers. Tick to run it anyway.",
        "Denne kjøringen er stor: omtrent {events} hendelser, rundt {minutes} "
        "minutter på de delte arbeidsprosessene. Kryss av for å kjøre likevel.",
    ),
    "budget_refused": (
        "Too large to run here: about {events} events (some {minutes} minutes), "
        "over the app's budget of {budget} events. Use fewer replications, years or "
        "units, or run it with sim run.",
        "For stor til å kjøres her: omtrent {events} hendelser (rundt {minutes} "
        "minutter), over appens grense på {budget} hendelser. Bruk færre replikasjoner, "
        "år eller boliger, eller kjør med sim run.",
    ),
    "cancel": ("Cancel", "Avbryt"),
    "cancel_help": (
        "Stops the run and its workers' jobs (so does any other click while it runs)",
        "Stopper kjøringen og arbeidsprosessenes jobber (det gjør også et annet klikk "
        "mens den går)",
    ),
    "running_for": (
        "Running for {seconds:.0f} s (estimated {estimate:.0f} s) …",
        "Har kjørt i {seconds:.0f} s (anslått {estimate:.0f} s) …",
    ),
    "cancelled": (
        "The run was cancelled; nothing was added.",
        "Kjøringen ble avbrutt; ingenting ble lagt til.",
    ),
    "input_error": ("The scenario was not accepted:", "Scenarioet ble ikke godtatt:"),
    "replications": ("Replications per run", "Replikasjoner per kjøring"),
    "replications_posterior": (
        "This baseline runs over the posterior of its calibration: every block of {per_draw} "
        "replications draws its parameters anew, and an interval over the draws needs "
        "at least {low}.",
        "Dette utgangspunktet kjøres over kalibreringens posteriorfordeling: hver {per_draw}. "
        "replikasjon trekker nye parameterverdier, og et intervall over trekkene krever "
        "minst {low}.",
    ),
    # trade-off page
    "controls": ("Policy", "Politikk"),
    "category": ("Dwellings the contract rules apply to", "Boligene kontraktsreglene gjelder"),
    "contract": ("Contract length", "Kontraktslengde"),
    "permanent": ("permanent", "fast"),
    "years_n": ("{n:g} years", "{n:g} år"),
    "year_1": ("1 year", "1 år"),
    "renewal": ("Renewal at contract end", "Fornyelse ved kontraktsslutt"),
    "renewal_always": ("always renewed", "alltid fornyet"),
    "renewal_needs_based": ("renewed unless self-sufficient", "fornyet med mindre selvhjulpen"),
    "renewal_strict": ("strict: never renewed", "streng: aldri fornyet"),
    "renewal_differentiated": (
        "differentiated: permanent contracts for permanent need, no renewal for the rest",
        "differensiert: fast kontrakt ved varig behov, ellers ingen fornyelse",
    ),
    "renewal_discretionary": ("at discretion (probability)", "etter skjønn (sannsynlighet)"),
    "renewal_probability": ("Probability of renewal", "Sannsynlighet for fornyelse"),
    "after": ("Non-renewed tenants go to", "Ikke-fornyede leietakere flytter til"),
    "after_baseline": ("as in the baseline", "som i utgangspunktet"),
    "after_transfer": ("another municipal dwelling", "en annen kommunal bolig"),
    "after_private_rental": ("the private rental market", "privat leiemarked"),
    "after_ownership": ("ownership", "eie"),
    "after_homeless": ("homelessness", "bostedsløshet"),
    "followup": ("Follow-up team (households at once)", "Bo-oppfølging (husstander samtidig)"),
    "double_followup": ("Double the follow-up team", "Doble bo-oppfølgingen"),
    "units_per_year": (
        "New units a year (from the first year)",
        "Nye boliger per år (fra første år)",
    ),
    "flexbo": ("Flexbo units (ready in the first year)", "Flexboliger (klare første år)"),
    "flexbo_group": ("Flexbo units are for", "Flexboligene er for"),
    "run": ("Run", "Kjør"),
    "reset": ("Reset the chart", "Nullstill diagrammet"),
    "full_grid": ("Show the full grid", "Vis hele rutenettet"),
    "full_grid_help": (
        "Every contract length (1, 3, 5 years, permanent) with every renewal rule "
        "(strict, discretionary, needs-based, differentiated), as sim tradeoff runs it",
        "Alle kontraktslengder (1, 3, 5 år, fast) med alle fornyelsesregler (streng, "
        "skjønn, behovsbasert, differensiert), slik sim tradeoff kjører dem",
    ),
    "running": ("Running {n} replications …", "Kjører {n} replikasjoner …"),
    "grid_too_large": (
        "The full grid is too large to run here: about {events} events (some "
        "{minutes} minutes). Use fewer replications, or run sim tradeoff.",
        "Hele rutenettet er for stort til å kjøres her: omtrent {events} hendelser "
        "(rundt {minutes} minutter). Bruk færre replikasjoner, eller kjør sim tradeoff.",
    ),
    "grid_running": ("Running point {i} of {n} …", "Kjører punkt {i} av {n} …"),
    "ran": (
        "{label}: {reps} replications in {seconds:.1f} s{cached}.",
        "{label}: {reps} replikasjoner på {seconds:.1f} s{cached}.",
    ),
    "cached": (" (from the cache)", " (fra hurtigbufferen)"),
    "points": ("Points on the chart: {n}", "Punkter i diagrammet: {n}"),
    "no_points": (
        "Set a policy and press Run: each run adds a point to the chart.",
        "Velg en politikk og trykk Kjør: hver kjøring legger et punkt til diagrammet.",
    ),
    "chart_title": ("Throughput against stability", "Gjennomstrømning mot stabilitet"),
    "chart_caption": (
        "Points: means over replications; whiskers: 95 % intervals, cut at 0 (none of "
        "these measures can be negative). Up and to the left is better. Every run uses "
        "the same random numbers.",
        "Punkter: gjennomsnitt over replikasjoner; streker: 95 % intervaller, kuttet ved 0 "
        "(ingen av målene kan være negative). Opp og til venstre er bedre. Alle kjøringer "
        "bruker de samme tilfeldige tallene.",
    ),
    "frontier_title": (
        "Contract length and renewal rule: throughput against stability",
        "Kontraktslengde og fornyelsesregel: gjennomstrømning mot stabilitet",
    ),
    "frontier_caption": (
        "One line per renewal rule, through the contract lengths from 1 year to permanent; "
        "the black diamond is the baseline. Points: means over replications; whiskers: "
        "95 % intervals, cut at 0 (none of these measures can be negative). Up and to the "
        "left is better.",
        "Én linje per fornyelsesregel, gjennom kontraktslengdene fra 1 år til fast; den "
        "svarte ruten er utgangspunktet. Punkter: gjennomsnitt over replikasjoner; streker: "
        "95 % intervaller, kuttet ved 0 (ingen av målene kan være negative). Opp og til "
        "venstre er bedre.",
    ),
    "rule_title": ("Renewal rule", "Fornyelsesregel"),
    "rule_always": ("always renewed", "alltid fornyet"),
    "rule_needs_based": ("needs-based", "behovsbasert"),
    "rule_strict": ("strict", "streng"),
    "rule_differentiated": ("differentiated", "differensiert"),
    "rule_discretionary": ("at discretion", "etter skjønn"),
    "interval_caption": (
        "95 % intervals of counts, rates and shares are cut at 0: none of them can be negative.",
        "95 % intervaller for antall, rater og andeler er kuttet ved 0: ingen av dem kan "
        "være negative.",
    ),
    "over_time": ("Over time (the runs on the chart)", "Over tid (kjøringene i diagrammet)"),
    "year": ("Year", "År"),
    "run_label": ("Run", "Kjøring"),
    "mean_interval": ("mean and 95 % interval", "gjennomsnitt og 95 % intervall"),
    "table": ("The points as a table", "Punktene som tabell"),
    "label_baseline": ("baseline", "utgangspunkt"),
    "label_contract": ("contracts: {value}", "kontrakter: {value}"),
    "label_renewal": ("renewal: {value}", "fornyelse: {value}"),
    "label_after": ("non-renewed → {value}", "ikke fornyet → {value}"),
    "label_followup": ("follow-up {value}", "bo-oppfølging {value}"),
    "label_units": ("+{value} units/year", "+{value} boliger/år"),
    "label_flexbo": ("+{value} flexbo", "+{value} flexboliger"),
    # compare page
    "compare_intro": (
        "The baseline against one alternative, both run with the same random numbers: "
        "differences are paired by replication.",
        "Utgangspunktet mot ett alternativ, begge kjørt med de samme tilfeldige tallene: "
        "forskjellene er parvise per replikasjon.",
    ),
    "alternative": ("Alternative", "Alternativ"),
    "alt_controls": ("the policy set on the trade-off page", "politikken valgt på avveiingssiden"),
    "compare_run": ("Compare", "Sammenlign"),
    "compare_year": ("Year to describe", "År som beskrives"),
    "fewer": ("fewer", "færre"),
    "more": ("more", "flere"),
    "lower": ("lower", "lavere"),
    "higher": ("higher", "høyere"),
    "no_change": (
        "{metric} in {year}: no clear difference ({diff:+.1f}, 95 % interval {low:.1f} "
        "to {high:.1f}).",
        "{metric} i {year}: ingen klar forskjell ({diff:+.1f}, 95 % intervall {low:.1f} "
        "til {high:.1f}).",
    ),
    "no_change_money": (
        "{metric} in {year}: no clear difference ({diff} a year, 95 % interval {low} to {high}).",
        "{metric} i {year}: ingen klar forskjell ({diff} i året, 95 % intervall {low} til {high}).",
    ),
    "difference_money": (
        "{metric} in {year}: about {amount} {direction} a year, 95 % interval {low} to {high}.",
        "{metric} i {year}: omtrent {amount} {direction} i året, 95 % intervall {low} til {high}.",
    ),
    "difference": (
        "{metric} in {year}: about {amount:.{digits}f} {direction} ({unit}), 95 % interval "
        "{low:.{digits}f} to {high:.{digits}f}.",
        "{metric} i {year}: omtrent {amount:.{digits}f} {direction} ({unit}), 95 % intervall "
        "{low:.{digits}f} til {high:.{digits}f}.",
    ),
    "compare_table": ("Every metric and year", "Alle mål og år"),
    "col_metric": ("Measure", "Mål"),
    "col_year": ("Year", "År"),
    "col_base": ("Baseline, mean", "Utgangspunkt, gjennomsnitt"),
    "col_alternative": ("Alternative, mean", "Alternativ, gjennomsnitt"),
    "col_difference": ("Difference", "Forskjell"),
    "col_low": ("95 % interval, low", "95 % intervall, nedre"),
    "col_high": ("95 % interval, high", "95 % intervall, øvre"),
    "col_replications": ("Replications", "Replikasjoner"),
    "col_units": ("Units a year", "Boliger per år"),
    "col_value": ("Target measure, mean", "Målt verdi, gjennomsnitt"),
    "col_probability": ("Share of replications meeting it", "Andel replikasjoner som når målet"),
    "col_chosen": ("Chosen", "Valgt"),
    "all_years": ("all years", "alle år"),
    "same_scenario": (
        "The alternative is the baseline itself: change a control on the trade-off page "
        "or choose a policy file.",
        "Alternativet er utgangspunktet selv: endre noe på avveiingssiden eller velg en "
        "politikkfil.",
    ),
    # units page
    "units_intro": (
        "The smallest number of units a year such that the target holds in every year from "
        "the last year on, in the chosen share of replications (as sim size).",
        "Det minste antall boliger per år som gjør at målet nås hvert år fra siste år, i "
        "valgt andel av replikasjonene (som sim size).",
    ),
    "units_category": ("Dwellings to build", "Boliger som bygges"),
    "units_group": ("Target group", "Målgruppe"),
    "units_metric": ("Measure", "Mål"),
    "units_limit": ("At most", "Høyst"),
    "units_from": ("Building from", "Bygging fra"),
    "units_to": ("Target met from", "Målet nås fra"),
    "units_confidence": ("Share of replications meeting it", "Andel replikasjoner som når det"),
    "analytic": (
        "Analytic estimate (Erlang C, the category as one queue): {units} units a year "
        "({servers} dwellings needed against {have} now; {arrivals:.1f} arrivals a year).",
        "Analytisk anslag (Erlang C, kategorien som én kø): {units} boliger per år "
        "({servers} boliger trengs mot {have} nå; {arrivals:.1f} ankomster per år).",
    ),
    "analytic_none": (
        "No analytic estimate: nobody arrives to this category.",
        "Ikke noe analytisk anslag: ingen kommer til denne kategorien.",
    ),
    "simulate": ("Simulate the answer", "Simuler svaret"),
    "simulated": (
        "Simulated: {units} units a year meet the target in at least {confidence:.0%} of "
        "the replications ({seconds:.0f} s).",
        "Simulert: {units} boliger per år når målet i minst {confidence:.0%} av "
        "replikasjonene ({seconds:.0f} s).",
    ),
    "simulated_none": (
        "Simulated: not reached with up to {max} units a year.",
        "Simulert: ikke nådd med opptil {max} boliger per år.",
    ),
    "tried": ("Every number of units tried", "Alle antall boliger som ble prøvd"),
    # about page
    "about_intro": (
        "Where every number of the chosen baseline comes from: the comment beside it in "
        "the scenario file (a report line, or an assumption), and what the key means.",
        "Hvor hvert tall i valgt utgangspunkt kommer fra: kommentaren ved siden av i "
        "scenariofilen (en linje i rapporten, eller en antagelse), og hva nøkkelen betyr.",
    ),
    "about_file": ("File {file}", "Fil {file}"),
    "about_key": ("Key", "Nøkkel"),
    "about_of": ("Group or dwellings", "Gruppe eller boliger"),
    "about_value": ("Value", "Verdi"),
    "about_source": ("Source or assumption", "Kilde eller antagelse"),
    "about_meaning": ("Meaning", "Betydning"),
    "about_filter": ("Find a key or a word", "Finn en nøkkel eller et ord"),
    "about_header": ("What the file says about itself", "Hva filen sier om seg selv"),
    "about_english": (
        "Show the files' own comments",
        "Vis filenes egne kommentarer (engelsk)",
    ),
    "about_comment": ("Comment in the file", "Kommentar i filen (engelsk)"),
    "about_meaning_en": ("Meaning", "Betydning (engelsk)"),
    "about_values": (
        "Values are rounded to three significant digits; the file holds them in full.",
        "Verdiene er avrundet til tre gjeldende sifre; filen har dem med alle sifre.",
    ),
    "about_pasted": (
        "A pasted scenario has no comments to show; its numbers are your own.",
        "Et innlimt scenario har ingen kommentarer; tallene er dine egne.",
    ),
    "about_app": (
        "Flexbo units added in the app have permanent contracts and 21 days between "
        "tenants, as scenarios/flexbo.yaml (assumptions); new units a year are added to "
        "the chosen dwellings in every reported year.",
        "Flexboliger lagt til i appen har faste kontrakter og 21 dagers tomgang mellom "
        "leietakere, som scenarios/flexbo.yaml (antagelser); nye boliger per år legges "
        "til valgte boliger hvert rapportert år.",
    ),
    # layout, presenter mode, settings as a file and in the page's address
    "presenter": ("Presenter mode", "Presentasjonsmodus"),
    "presenter_help": (
        "For a projector: large type, the trade-off chart only, the policy folded away",
        "For projektor: stor skrift, bare avveiingsdiagrammet, politikken brettet sammen",
    ),
    "download": ("Download as a scenario file", "Last ned som scenariofil"),
    "download_help": (
        "These settings as a scenario file: sim run reads it, and it can be uploaded "
        "again under “Your own scenario”. The page's address keeps them too (bookmark it).",
        "Innstillingene som scenariofil: sim run leser den, og den kan lastes opp igjen "
        "under «Eget scenario». Sidens adresse tar også vare på dem (lag et bokmerke).",
    ),
    "address_ignored": (
        "Ignored in the page's address: {name}={value} (allowed: {allowed}).",
        "Ignorert i sidens adresse: {name}={value} (tillatt: {allowed}).",
    ),
}


_SPEC = re.compile(r"(?P<sign>\+)?(?P<comma>,)?(?:\.(?P<digits>\d+))?(?P<kind>[fg%]?)")


def _digits_needed(value: float, most: int = 2) -> int:
    """Decimals ``value`` needs, at most ``most``: 2.5 → 1, 3.0 → 0."""
    for digits in range(most + 1):
        if math.isclose(value, round(value, digits), abs_tol=1e-9):
            return digits
    return most


def spoken_number(value: float, spec: str, language: str) -> str:
    """``value`` formatted as ``format(value, spec)`` would, in ``language``'s way of
    writing numbers (:func:`sim.analysis.labels.number`); the specs the texts use are
    ``,`` ``.Nf`` ``+.Nf`` ``g`` ``.N%`` and none.

    >>> spoken_number(0.8, ".0%", "en"), spoken_number(-1.25, "+.1f", "nb")
    ('80%', '-1,2')
    >>> spoken_number(2.5, "g", "nb"), spoken_number(250000, ",", "en")
    ('2,5', '250,000')
    """
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise ValueError(f"number format {spec!r} is not one the texts use")
    value = float(value) if not isinstance(value, Integral) else int(value)
    given = match["digits"]
    if match["kind"] == "%":
        shown = number(100 * value, language, int(given or 0))
        text = shown + ("\u00a0%" if language == "nb" else "%")
    elif match["kind"] == "f":
        text = number(value, language, int(given or 6))
    elif isinstance(value, int):
        text = number(value, language, 0)
    elif match["kind"] == "g" or match["comma"]:
        text = number(value, language, _digits_needed(value))
    else:
        text = number(value, language)
    if match["sign"] and value >= 0:
        text = "+" + text
    return text


class _Numbers(string.Formatter):
    """Fills a text, writing every number through :func:`spoken_number`."""

    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, Real) and not isinstance(value, bool):
            return spoken_number(value, format_spec, self.language)  # type: ignore[arg-type]
        return str(super().format_field(value, format_spec))


def say(key: str, language: str, **values: object) -> str:
    """The text ``key`` in ``language`` (``en`` or ``nb``), filled with ``values``
    (numbers written the language's way)."""
    english, norwegian = TEXT[key]
    text = norwegian if language == "nb" else english
    return _Numbers(language).format(text, **values) if values else text


def metric(name: str, language: str, with_unit: bool = False) -> str:
    """A metric's label from the metric catalogue."""
    return label(name, language, with_unit)


def contract(years: float | None, language: str) -> str:
    """``1 year``, ``3 years``, ``permanent``."""
    if years is None:
        return say("permanent", language)
    return say("year_1", language) if years == 1 else say("years_n", language, n=years)
