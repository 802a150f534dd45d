"""Display labels of metrics, in English and Norwegian, with units. One mapping for all."""

from __future__ import annotations

# metric -> (English label, Norwegian label, unit)
METRICS: dict[str, tuple[str, str, str]] = {
    "applications": ("Applications", "Søknader", "households/year"),
    "approvals": ("Approvals", "Tilsagn", "households/year"),
    "refusals": ("Refused applications", "Avslag", "households/year"),
    "allocations": ("New allocations", "Tildelinger", "households/year"),
    "transfers": ("Transfers", "Flyttinger mellom kommunale boliger", "households/year"),
    "renewals": ("Contract renewals", "Fornyede kontrakter", "contracts/year"),
    "contract_ends": ("Contract ends", "Kontraktsutløp", "contracts/year"),
    "forced_moves": ("Forced moves", "Tvungne flyttinger", "households/year"),
    "exits_ownership": ("Exits to ownership", "Utflytting til eie", "households/year"),
    "exits_private_rental": (
        "Exits to private rental",
        "Utflytting til privat leie",
        "households/year",
    ),
    "exits_other": ("Other exits", "Andre utflyttinger", "households/year"),
    "exits_homeless": ("Exits to homelessness", "Utflytting til bostedsløshet", "households/year"),
    "withdrawals": ("Withdrawals from the list", "Trukket fra ventelisten", "households/year"),
    "breakdowns": ("Breakdowns (eviction/abandonment)", "Bosammenbrudd", "households/year"),
    "offer_refusals": ("Refused offers", "Avslåtte tilbud", "offers/year"),
    "removed_after_refusal": (
        "Removed after refusing",
        "Fjernet etter avslått tilbud",
        "households/year",
    ),
    "waiting": ("Waiting list at year end", "Venteliste ved årets slutt", "households"),
    "transfer_waiting": ("Transfer applicants at year end", "Venter på flytting", "households"),
    "waiting_mean": ("Waiting list, yearly average", "Venteliste, årsgjennomsnitt", "households"),
    "tenants": ("Tenants at year end", "Leietakere ved årets slutt", "households"),
    "units": ("Units at year end", "Boliger ved årets slutt", "dwellings"),
    "vacant": ("Vacant units at year end", "Ledige boliger ved årets slutt", "dwellings"),
    "homeless_waiting": ("Homeless on the list", "Bostedsløse på ventelisten", "households"),
    "in_emergency": ("In emergency units", "I akuttbolig", "households"),
    "in_hospits": ("In hospits", "På hospits", "households"),
    "followup_active": ("Followed up", "Med bo-oppfølging", "households"),
    "followup_waiting": ("Waiting for follow-up", "Venter på bo-oppfølging", "households"),
    "hospits_nights": ("Hospits nights", "Hospitsdøgn", "nights/year"),
    "emergency_nights": ("Emergency-unit nights", "Døgn i akuttbolig", "nights/year"),
    "vacant_unit_days": ("Vacant unit-days", "Ledige boligdøgn", "days/year"),
    "hospits_stays": ("Hospits stays begun", "Hospitsopphold", "stays/year"),
    "emergency_stays": ("Emergency stays begun", "Opphold i akuttbolig", "stays/year"),
    "tenant_years": ("Tenant-years", "Leieår", "years"),
    "followup_years": ("Follow-up slot-years", "Oppfølgingsår", "years"),
    "unit_years": ("Unit-years", "Boligår", "years"),
    "units_built": ("Units built", "Nye boliger", "dwellings/year"),
    "units_removed": ("Units removed", "Avhendede boliger", "dwellings/year"),
    "wait_years_mean": ("Mean wait of those housed", "Gjennomsnittlig ventetid", "years"),
    "wait_years_p50": ("Median wait of those housed", "Median ventetid", "years"),
    "wait_years_p90": ("90th percentile wait", "90-persentil ventetid", "years"),
    "moves_per_100_tenant_years": (
        "Forced moves per 100 tenant-years",
        "Tvungne flyttinger per 100 leieår",
        "per 100 tenant-years",
    ),
    "new_allocations_per_100_units": (
        "New allocations per 100 units",
        "Tildelinger per 100 boliger",
        "per 100 units/year",
    ),
    "cost_hospits": ("Hospits cost", "Hospitsutgifter", "NOK/year"),
    "cost_emergency": ("Emergency-unit cost", "Utgifter akuttboliger", "NOK/year"),
    "cost_followup": ("Follow-up cost", "Utgifter bo-oppfølging", "NOK/year"),
    "cost_build": ("Build cost", "Byggekostnader", "NOK/year"),
    "cost_total": ("Total cost", "Samlede utgifter", "NOK/year"),
}


def label(metric: str, language: str = "en", with_unit: bool = False) -> str:
    english, norwegian, unit = METRICS.get(metric, (metric, metric, ""))
    text = norwegian if language == "no" else english
    return f"{text} ({unit})" if with_unit and unit else text


def check_metrics(names: list[str], option: str = "--metrics") -> list[str]:
    """``names`` if every one is a metric of the catalogue, else an input error (exit 2)."""
    from difflib import get_close_matches

    from sim.config.errors import InputError, Problem, brief_text

    problems = []
    if not names:
        problems.append(Problem(option, "", "give at least one metric, e.g. waiting"))
    for name in names:
        if name not in METRICS:
            guess = get_close_matches(name, list(METRICS), n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            problems.append(
                Problem(
                    option,
                    brief_text(name, 60),
                    f"unknown metric; {hint}allowed: {', '.join(sorted(METRICS))}",
                )
            )
    if problems:
        raise InputError(problems)
    return names
