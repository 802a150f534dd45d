"""The scenario ``sim init`` writes: the stock and flows from the KOSTRA counts, and
everything KOSTRA does not give borrowed from the calibrated shipped baselines
(``scenarios/asker-calibrated.yaml``, ``scenarios/lorenskog-calibrated.yaml``), each such
line marked so that a planner can find it and put in the municipality's own figure."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field

from sim.kostra.checks import Counts

ASKER = "lånt fra Asker (scenarios/asker.yaml{}), bytt ut med egne tall"
LORENSKOG = "lånt fra Lørenskog (scenarios/lorenskog.yaml{}), bytt ut med egne tall"
ASKER_CAL = "lånt fra Asker, kalibrert (scenarios/asker-calibrated.yaml), bytt ut med egne tall"
LORENSKOG_CAL = (
    "lånt fra Lørenskog, kalibrert (scenarios/lorenskog-calibrated.yaml), bytt ut med egne tall"
)
TIME_LIMITED_SHARE = 0.31  # Asker: ordinary 210 + refugee 55 of 856 dwellings (l. 1352-1356)
DISADVANTAGED_SHARE = 0.42  # Asker: disadvantaged 73 of 173 applications a year
WAITING_SHARE = 0.19  # Asker: 98 of 503 on Table 7's lists 2008-2010 disadvantaged (l. 2060)
PERMANENT_EXIT = 0.114  # Asker: exits from trygd-, service and care dwellings, stock-weighted
APPLICATIONS_PER_DWELLING = 0.21  # Asker: 173 applications a year on 827 dwellings
FOLLOWUP_PER_DWELLING = 20 / 827  # Asker: 20 follow-up places on 827 dwellings
HORIZON_AFTER = 5  # years simulated after the last year with counts
PRICES = (  # Asker's prices (scenarios/asker.yaml, costs): key, NOK, year, what it is
    ("hospits_per_night", 900, 2024, "antagelse i Asker-grunnlaget"),
    ("emergency_per_night", 500, 2024, "antagelse i Asker-grunnlaget"),
    ("followup_per_year", 250000, 2024, "antagelse i Asker-grunnlaget"),
    ("build_per_unit", 1859000, 2011, "Askers kvadratmeterpris 2011 (NOVA 2011, l. 999-1001) "
     "ganger antatte 55 m2"),
    ("forced_move_per_case", 15000, 2024, "antagelse i Asker-grunnlaget"),
    ("rent_per_unit_year", 69984, 2010, "SSBs leiemarkedsundersøkelse 2010, Akershus, "
     "kommunale boliger"),
)  # fmt: skip


def asker(where: str = "") -> str:
    return ASKER.format(f", {where}" if where else "")


def lorenskog(where: str = "") -> str:
    return LORENSKOG.format(f", {where}" if where else "")


def rounded(value: float) -> float:
    """Three significant figures (what the scenario and the spec both write)."""
    return float(f"{value:.3g}")


def mean(series: dict[int, int]) -> float:
    return sum(series.values()) / len(series) if series else 0.0


@dataclass
class Guesses:
    """The starting values the counts give (the calibration's guesses)."""

    applications: float  # vanskeligstilte a year
    care_applications: float  # omsorg a year
    approval: float  # vanskeligstilte
    notes: dict[str, str] = field(default_factory=dict)  # how each was found


def guesses(counts: Counts) -> Guesses:
    applications = counts.series("nye_soknader")
    refugees = counts.series("nyinnflyttede_flyktninger")
    refusals = counts.series("avslag")
    stock = counts.series("boliger_i_alt")
    first = stock[min(stock)]
    if applications:
        total = max(mean(applications) - mean(refugees), 2.0)
        how = "nye søknader i snitt minus nyinnflyttede flyktninger"
    else:
        total = max(APPLICATIONS_PER_DWELLING * first, 2.0)
        how = f"ingen søknader oppgitt: {APPLICATIONS_PER_DWELLING} per bolig, {asker()}"
    notes = {
        "applications": f"{how}, delt {DISADVANTAGED_SHARE:.0%} / "
        f"{1 - DISADVANTAGED_SHARE:.0%} mellom vanskeligstilte og omsorg ({asker()})"
    }
    if applications and refusals:
        shared = [y for y in refusals if y in applications and applications[y] > 0]
        ratio = sum(refusals[y] for y in shared) / max(sum(applications[y] for y in shared), 1)
        approval = min(max(1 - ratio, 0.1), 0.95)
        notes["approval"] = "fra tallene: 1 − avslag / nye søknader, kalibreres"
    else:
        approval = 0.43
        notes["approval"] = asker("l. 2077-2080") + "; kalibreres ikke uten avslag"
    return Guesses(
        rounded(DISADVANTAGED_SHARE * total),
        rounded((1 - DISADVANTAGED_SHARE) * total),
        rounded(approval),
        notes,
    )


def split_stock(total: int) -> tuple[int, int]:
    limited = round(TIME_LIMITED_SHARE * total)
    return limited, total - limited


def builds(counts: Counts) -> list[tuple[int, str, int]]:
    """Year-to-year changes of the stock as builds (year, category, units): to the
    time-limited dwellings while they last, the rest to the permanent ones."""
    stock = counts.series("boliger_i_alt")
    years = sorted(stock)
    limited, permanent = split_stock(stock[years[0]])
    out = []
    for before, year in itertools.pairwise(years):
        change = stock[year] - stock[before]
        if change == 0:
            continue
        to_limited = max(change, -limited)
        limited += to_limited
        if to_limited:
            out.append((year, "tidsbestemt", to_limited))
        if change - to_limited:
            permanent += change - to_limited
            out.append((year, "varig", change - to_limited))
    return out


def scenario_yaml(name: str, label: str, counts: Counts, source: str) -> str:
    """The scenario's text (YAML with a comment on every number)."""
    stock = counts.series("boliger_i_alt")
    first, last = counts.years[0], counts.years[-1]
    limited, permanent = split_stock(stock[first])
    guess = guesses(counts)
    refugees = counts.series("nyinnflyttede_flyktninger")
    waiting = counts.series("venteliste")
    initial = waiting[min(waiting)] if waiting else 0
    followup = max(round(FOLLOWUP_PER_DWELLING * stock[first]), 1)
    lines = [
        "# yaml-language-server: $schema=../../scenarios/scenario.schema.json",
        f"# {name}.yaml: written by `sim init` from {source} (KOSTRA, skjema 13).",
        "# Tall fra KOSTRA står med filens celle; alt annet er merket «lånt fra Asker» eller",
        "# «lånt fra Lørenskog»: verdier fra de kalibrerte grunnlagene som følger med sim.",
        "# Bytt dem ut med kommunens egne tall der dere har dem (se README.md).",
        f"name: {name}",
        f"label: {{nb: {json.dumps(label + ' (KOSTRA)', ensure_ascii=False)}, "
        f"en: {json.dumps(label + ' (KOSTRA)', ensure_ascii=False)}}}",
        "description: "
        + json.dumps(
            f"{label} from KOSTRA counts {first}-{last} (sim init); values not in KOSTRA "
            "borrowed from the Asker and Lørenskog baselines",
            ensure_ascii=False,
        ),
        "",
        "time:",
        f"  start: {first}                        # first year with KOSTRA counts",
        f"  years: {last - first + 1 + HORIZON_AFTER}"
        f"                          # {first}..{last + HORIZON_AFTER}: the counted years and "
        f"{HORIZON_AFTER} more",
        "  warmup_years: 30                   # " + asker(),
        "replications: 20                     # enough for a first look; more for decisions",
        f"seed: {first}                           # arbitrary",
        "",
        "stock:",
        "  tidsbestemt:",
        '    label: {nb: "Utleieboliger, tidsbestemt", en: "Rentals, time-limited"}',
        f"    units: {limited}                       # {TIME_LIMITED_SHARE:.0%} of "
        f"boliger_i_alt {first} = {stock[first]} ({counts.sources[('boliger_i_alt', first)]}); "
        f"the share is {asker('l. 1352-1356')}",
        "    contract_years: 3                # " + asker("l. 1454"),
        "    turnaround_days: 60              # " + asker("l. 2474-2480"),
        "    turnaround_cv: 0.5               # " + asker(),
        "  varig:",
        '    label: {nb: "Omsorgs- og trygdeboliger, varig", en: "Care dwellings, permanent"}',
        f"    units: {permanent}                      # the rest of boliger_i_alt {first}; "
        "permanent contracts, " + asker("l. 1425-1427"),
        "    turnaround_days: 60              # " + asker("l. 2474-2480"),
        "    turnaround_cv: 0.5               # " + asker(),
        "",
        "groups:",
        "  vanskeligstilte:",
        '    label: {nb: "Økonomisk og sosialt vanskeligstilte", en: "Disadvantaged"}',
        f"    applications_per_year: {guess.applications}   # {guess.notes['applications']}; "
        "kalibreres",
        f"    approval: {guess.approval}                  # {guess.notes['approval']}",
        "    eligible: [tidsbestemt]",
        "    permanent_need: 0.1              # " + asker(),
        "    self_sufficient_years: 3.92      # " + ASKER_CAL,
        "    followup_need: 0.3               # " + asker(),
        "    withdraw_per_year: 0.057         # " + ASKER_CAL,
        "    homeless_while_waiting: 0.043    # " + LORENSKOG_CAL,
        "    breakdown_per_year: 0.02         # " + asker(),
        "    reapply_after_breakdown: 0.5     # " + asker(),
        "    other_exit_per_year: 0.02        # " + asker(),
        "    leave_when_able_per_year: 0.377  # " + ASKER_CAL,
        "    exit_to: {ownership: 0.25, private_rental: 0.75}   # " + asker("l. 1605-1608"),
        f"    initial_waiting: {initial}               # starting point only: venteliste "
        f"{min(waiting) if waiting else first}" + ("" if waiting else " (not given: 0)"),
        "  omsorg:",
        '    label: {nb: "Søkere til omsorgs- og trygdebolig", en: "Care applicants"}',
        f"    applications_per_year: {guess.care_applications}   # "
        f"{guess.notes['applications']}; kalibreres",
        "    approval: 0.9                    # " + asker(),
        "    eligible: [varig]",
        "    permanent_need: 1.0              # " + asker(),
        "    withdraw_per_year: 0.3           # " + asker(),
        f"    other_exit_per_year: {PERMANENT_EXIT}       # "
        + asker(
            "trygd 0.075, service and elderly 0.2, psychiatry 0.05, PUH 0.021 a year, "
            "weighted by their 591 dwellings"
        ),
    ]
    if refugees:
        series = ", ".join(f"{y}: {v}" for y, v in sorted(refugees.items()))
        lines += [
            "  flyktninger:",
            '    label: {nb: "Flyktninger", en: "Refugees"}',
            f"    applications_per_year: {{{series}}}   # nyinnflyttede_flyktninger per year "
            f"({source}): one settlement decision per household housed",
            "    approval: 1.0                    # settled by decision, " + asker("l. 1745-1747"),
            "    eligible: [tidsbestemt]",
            "    permanent_need: 0.1              # " + asker(),
            "    self_sufficient_years: 3         # " + asker(),
            "    followup_need: 0.1               # " + asker(),
            "    withdraw_per_year: 0.5           # assumption: a few are settled privately "
            "instead (Asker's 4.0, l. 1758-1761, would lose half of those counted here)",
            "    other_exit_per_year: 0.05        # " + asker(),
            "    leave_when_able_per_year: 0.3    # " + asker(),
            "    exit_to: {ownership: 0.05, private_rental: 0.95}   # " + asker("l. 1598-1599"),
        ]
    lines += [
        "",
        "policy:",
        "  allocation: need                   # by assessed need, " + asker("l. 1993-1994"),
        "  need_weights: {homeless: 1.0, priority: 0.0, years_waited: 0.0}   # " + asker(),
        "  renewal: needs_based               # " + asker("l. 1454-1456"),
        "  size_match: false                  # KOSTRA gives no room counts",
        "  # renewal_decisions: not counted: KOSTRA's nye søknader leave renewals out",
        "",
        "refusal:",
        "  probability: 0.0                   # " + asker(),
        "",
        "followup:",
        f"  capacity: {followup}                       # Asker's 20 places on 827 dwellings, "
        f"scaled to {stock[first]}; " + asker("l. 2190-2191"),
        "  breakdown_factor: 0.5              # " + asker(),
        "  self_sufficiency_factor: 1.3       # " + asker(),
        "",
        "emergency:",
        "  units: 0                           # " + asker("l. 1083-1088"),
        "",
        "homelessness:",
        "  hospits_share: 0.4                 # " + lorenskog("l. 257"),
        "  hospits_stay_days: {distribution: triangular, min: 7, mode: 30, max: 120}   # "
        + lorenskog(),
        "  own_stay_days: 300                 # " + lorenskog(),
        "  outside_exits:",
        "    reapply_per_year: 0.5            # " + lorenskog(),
        "    settled_per_year: 8.34           # " + LORENSKOG_CAL,
        "    leave_per_year: 0.5              # " + lorenskog(),
        "",
    ]
    lines += [
        "costs:                               # kroner i price_year, omregnet med KPI",
        "  price_year: 2024",
        "  index: kpi",
    ]
    for key, nok, year, what in PRICES:
        lines.append(
            f"  {key}: {{nok: {nok}, year: {year}, source: "
            f"{json.dumps(asker(what), ensure_ascii=False)}}}"
        )
    lines.append("")
    build_list = builds(counts)
    if build_list:
        lines.append("builds:                              # boliger_i_alt from year to year")
        for year, category, units in build_list:
            lines.append(
                f"  - {{year: {year}, category: {category}, units: {units}}}   # "
                f"{counts.sources[('boliger_i_alt', year)]}; the kind is not in KOSTRA "
                "(assumption: time-limited first)"
            )
    else:
        lines.append("builds: []                           # boliger_i_alt unchanged")
    return "\n".join(lines) + "\n"
