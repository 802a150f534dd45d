"""The metric catalogue: every output metric once, with what it is and how it is shown.

The recorder counts what the catalogue lists; display labels (English and Norwegian),
calibration targets, target expressions and ``--metrics`` options all read their names,
units and kinds from here. Kinds: ``flow`` (counted over the year), ``integral`` (a
time integral over the year, with the factor from unit-years to its unit), ``stock``
(at year end), ``ratio`` (a derived rate or a mean), ``wait`` (waits of those housed in
the year), ``cost`` (NOK a year: a price times a flow or integral, their totals, and rent
income) and ``derived`` (for calibration only: computed from other metrics). Dimensions:
``g`` by group, ``k`` by category, ``gk`` by both, ``""`` totals only.
"""

from __future__ import annotations

from dataclasses import dataclass

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class Metric:
    name: str
    kind: str
    dims: str
    unit: str
    english: str
    norwegian: str
    factor: float = 1.0  # integrals: unit-years to the reported unit
    count: bool = False  # counts events or households (calibration: Poisson deviance)


# counts among the metrics that are not flows or stocks
_COUNTS = {
    "hospits_nights",
    "emergency_nights",
    "vacant_unit_days",
    "nonrenewal_exits",
    "homeless_total",
}


def _m(
    name: str, kind: str, dims: str, unit: str, english: str, norwegian: str, factor: float = 1.0
) -> Metric:
    count = kind in {"flow", "stock"} or name in _COUNTS
    return Metric(name, kind, dims, unit, english, norwegian, factor, count)


_ALL = [
    # flows: counted in the year
    _m("applications", "flow", "g", "households/year", "Applications", "Søknader"),
    _m("approvals", "flow", "g", "households/year", "Approvals", "Tilsagn"),
    _m(
        "latent_applications",
        "flow",
        "g",
        "households/year",
        "Applications from need beyond the list (called forth by units standing ready "
        "with no one on the list; stock.<id>.latent_demand)",
        "Søknader fra udekket behov utenfor ventelisten",
    ),
    _m("refusals", "flow", "g", "households/year", "Refused applications", "Avslag"),
    _m(
        "withdrawals",
        "flow",
        "g",
        "households/year",
        "Withdrawals from the list",
        "Trukket fra ventelisten",
    ),
    _m("offer_refusals", "flow", "g", "offers/year", "Refused offers", "Avslåtte tilbud"),
    _m(
        "removed_after_refusal",
        "flow",
        "g",
        "households/year",
        "Removed after refusing",
        "Fjernet etter avslått tilbud",
    ),
    _m("hospits_stays", "flow", "g", "stays/year", "Hospits stays begun", "Hospitsopphold"),
    _m(
        "homeless_outside_entries",
        "flow",
        "g",
        "households/year",
        "Left homeless outside the list (refused, withdrawn, removed, broken down or "
        "non-renewed without reapplying)",
        "Bostedsløse utenfor ventelisten (avslag, trukket, fjernet, utkastelse)",
    ),
    _m(
        "emergency_stays",
        "flow",
        "g",
        "stays/year",
        "Emergency stays begun",
        "Opphold i akuttbolig",
    ),
    _m(
        "pre_housing_stays",
        "flow",
        "g",
        "stays/year",
        "Pre-housing stays begun (stay_before_housing_days)",
        "Opphold før tildeling",
    ),
    _m("allocations", "flow", "gk", "households/year", "New allocations", "Tildelinger"),
    _m(
        "allocations_persons",
        "flow",
        "gk",
        "persons/year",
        "Persons in new allocations",
        "Personer i tildelinger",
    ),
    _m(
        "first_allocations",
        "flow",
        "gk",
        "households/year",
        "Households housed for the first time (allocations to households never a municipal "
        "tenant before in the model)",
        "Husstander bosatt for første gang",
    ),
    _m(
        "rehousings",
        "flow",
        "gk",
        "households/year",
        "Re-housed households (allocations to former municipal tenants: after a breakdown, "
        "a forced move out of the stock, or a return from the private market)",
        "Husstander bosatt på nytt",
    ),
    _m(
        "returns_from_private",
        "flow",
        "g",
        "households/year",
        "Non-renewed tenants back on the list from the private market",
        "Tilbake på ventelisten fra privat leie etter ikke fornyet kontrakt",
    ),
    _m(
        "transfers",
        "flow",
        "gk",
        "households/year",
        "Transfers",
        "Flyttinger mellom kommunale boliger",
    ),
    _m("renewals", "flow", "gk", "contracts/year", "Contract renewals", "Fornyede kontrakter"),
    _m("contract_ends", "flow", "gk", "contracts/year", "Contract ends", "Kontraktsutløp"),
    _m(
        "renewal_decisions",
        "flow",
        "gk",
        "contracts/year",
        "Renewal decisions (contract ends assessed for renewal)",
        "Vedtak om fornyelse",
    ),
    _m("forced_moves", "flow", "gk", "households/year", "Forced moves", "Tvungne flyttinger"),
    _m(
        "exits_ownership",
        "flow",
        "gk",
        "households/year",
        "Exits to ownership",
        "Utflytting til eie",
    ),
    _m(
        "exits_private_rental",
        "flow",
        "gk",
        "households/year",
        "Exits to private rental",
        "Utflytting til privat leie",
    ),
    _m("exits_other", "flow", "gk", "households/year", "Other exits", "Andre utflyttinger"),
    _m(
        "exits_homeless",
        "flow",
        "gk",
        "households/year",
        "Exits to homelessness",
        "Utflytting til bostedsløshet",
    ),
    _m(
        "breakdowns",
        "flow",
        "gk",
        "households/year",
        "Breakdowns (eviction/abandonment)",
        "Bosammenbrudd",
    ),
    _m(
        "reentries",
        "flow",
        "gk",
        "households/year",
        "Re-entries to homelessness and the list after a tenancy (reenter_after_tenancy)",
        "Tilbake til bostedsløshet og venteliste etter leieforhold",
    ),
    _m("units_built", "flow", "k", "dwellings/year", "Units built", "Nye boliger"),
    _m("units_removed", "flow", "k", "dwellings/year", "Units removed", "Avhendede boliger"),
    # time integrals over the year
    _m(
        "hospits_nights",
        "integral",
        "g",
        "nights/year",
        "Hospits nights",
        "Hospitsdøgn",
        DAYS_PER_YEAR,
    ),
    _m(
        "emergency_nights",
        "integral",
        "g",
        "nights/year",
        "Emergency-unit nights",
        "Døgn i akuttbolig",
        DAYS_PER_YEAR,
    ),
    _m(
        "waiting_mean",
        "integral",
        "g",
        "households",
        "Waiting list, yearly average",
        "Venteliste, årsgjennomsnitt",
    ),
    _m("tenant_years", "integral", "gk", "years", "Tenant-years", "Leieår"),
    _m("followup_years", "integral", "gk", "years", "Follow-up slot-years", "Oppfølgingsår"),
    _m("unit_years", "integral", "k", "years", "Unit-years", "Boligår"),
    _m(
        "vacant_unit_days",
        "integral",
        "k",
        "days/year",
        "Vacant unit-days",
        "Ledige boligdøgn",
        DAYS_PER_YEAR,
    ),
    # stocks at year end
    _m(
        "waiting",
        "stock",
        "g",
        "households",
        "Waiting list at year end",
        "Venteliste ved årets slutt",
    ),
    _m(
        "transfer_waiting",
        "stock",
        "g",
        "households",
        "Transfer applicants at year end",
        "Venter på flytting",
    ),
    _m(
        "homeless_waiting",
        "stock",
        "g",
        "households",
        "Homeless on the list",
        "Bostedsløse på ventelisten",
    ),
    _m("in_emergency", "stock", "g", "households", "In emergency units", "I akuttbolig"),
    _m("in_hospits", "stock", "g", "households", "In hospits", "På hospits"),
    _m(
        "own_solution",
        "stock",
        "g",
        "households",
        "Homeless on the list in their own solution",
        "Bostedsløse på ventelisten i egen løsning",
    ),
    _m(
        "pre_housing",
        "stock",
        "g",
        "households",
        "In a pre-housing stay at year end (on the list, not yet to be offered a dwelling)",
        "I opphold før tildeling ved årets slutt",
    ),
    _m(
        "homeless_outside",
        "stock",
        "g",
        "households",
        "Homeless outside the list at year end",
        "Bostedsløse utenfor ventelisten",
    ),
    _m(
        "homeless_persons",
        "stock",
        "g",
        "persons",
        "Homeless persons at year end, on the list and outside it",
        "Bostedsløse personer ved årets slutt, på og utenfor ventelisten",
    ),
    _m(
        "homeless_waiting_persons",
        "stock",
        "g",
        "persons",
        "Homeless persons on the list",
        "Bostedsløse personer på ventelisten",
    ),
    _m(
        "in_emergency_persons",
        "stock",
        "g",
        "persons",
        "Persons in emergency units",
        "Personer i akuttbolig",
    ),
    _m("in_hospits_persons", "stock", "g", "persons", "Persons in hospits", "Personer på hospits"),
    _m(
        "own_solution_persons",
        "stock",
        "g",
        "persons",
        "Homeless persons on the list in their own solution",
        "Bostedsløse personer på ventelisten i egen løsning",
    ),
    _m(
        "homeless_outside_persons",
        "stock",
        "g",
        "persons",
        "Homeless persons outside the list at year end",
        "Bostedsløse personer utenfor ventelisten",
    ),
    _m("tenants", "stock", "gk", "households", "Tenants at year end", "Leietakere ved årets slutt"),
    _m("followup_active", "stock", "gk", "households", "Followed up", "Med bo-oppfølging"),
    _m(
        "followup_waiting",
        "stock",
        "gk",
        "households",
        "Waiting for follow-up",
        "Venter på bo-oppfølging",
    ),
    _m("units", "stock", "k", "dwellings", "Units at year end", "Boliger ved årets slutt"),
    _m(
        "vacant",
        "stock",
        "k",
        "dwellings",
        "Vacant units at year end",
        "Ledige boliger ved årets slutt",
    ),
    # derived rates and waits
    _m(
        "moves_per_100_tenant_years",
        "ratio",
        "gk",
        "per 100 tenant-years",
        "Forced moves per 100 tenant-years",
        "Tvungne flyttinger per 100 leieår",
    ),
    _m(
        "new_allocations_per_100_units",
        "ratio",
        "k",
        "per 100 units/year",
        "New allocations per 100 units",
        "Tildelinger per 100 boliger",
    ),
    _m(
        "wait_years_mean",
        "wait",
        "g",
        "years",
        "Mean wait of those housed",
        "Gjennomsnittlig ventetid",
    ),
    _m("wait_years_p50", "wait", "g", "years", "Median wait of those housed", "Median ventetid"),
    _m("wait_years_p90", "wait", "g", "years", "90th percentile wait", "90-persentil ventetid"),
    # costs, where prices are given
    _m("cost_hospits", "cost", "", "NOK/year", "Hospits cost", "Hospitsutgifter"),
    _m("cost_emergency", "cost", "", "NOK/year", "Emergency-unit cost", "Utgifter akuttboliger"),
    _m("cost_followup", "cost", "", "NOK/year", "Follow-up cost", "Utgifter bo-oppfølging"),
    _m("cost_build", "cost", "", "NOK/year", "Build cost", "Byggekostnader"),
    _m(
        "cost_forced_moves",
        "cost",
        "",
        "NOK/year",
        "Administration of forced moves",
        "Administrasjon av tvungne flyttinger",
    ),
    _m("cost_total", "cost", "", "NOK/year", "Total cost", "Samlede utgifter"),
    _m("income_rent", "cost", "", "NOK/year", "Rent income", "Husleieinntekter"),
    _m(
        "cost_net",
        "cost",
        "",
        "NOK/year, net",
        "Net cost (total cost less rent income)",
        "Netto utgifter (samlede utgifter minus husleieinntekter)",
    ),
    # for calibration targets only
    _m(
        "nonrenewal_exits",
        "derived",
        "gk",
        "households/year",
        "Contract ends not renewed",
        "Kontrakter som ikke ble fornyet",
    ),
    _m("vacancy_share", "derived", "k", "share", "Vacant share of the units", "Andel ledige"),
    _m(
        "homeless_total",
        "derived",
        "g",
        "households",
        "Homeless at year end, on the list and outside it",
        "Bostedsløse ved årets slutt, på og utenfor ventelisten",
    ),
]

PRICED: dict[str, tuple[str, str]] = {
    "hospits_per_night": ("cost_hospits", "hospits_nights"),
    "emergency_per_night": ("cost_emergency", "emergency_nights"),
    "followup_per_year": ("cost_followup", "followup_years"),
    "build_per_unit": ("cost_build", "units_built"),
    "forced_move_per_case": ("cost_forced_moves", "forced_moves"),
    "rent_per_unit_year": ("income_rent", "tenant_years"),
}
"""Each price of ``costs``: the metric it makes and the quantity (a metric, all groups and
categories) it is the price of. Rent is income: not in ``cost_total``, subtracted in
``cost_net``."""

INCOME_PRICE = "rent_per_unit_year"
"""The price that is income, not a cost."""

CATALOGUE: dict[str, Metric] = {metric.name: metric for metric in _ALL}
"""Every metric by name, in the order the tables list them."""


def of_kind(*kinds: str) -> list[str]:
    """Names of the metrics of the given kinds, in catalogue order."""
    return [name for name, metric in CATALOGUE.items() if metric.kind in kinds]


RECORDED = [name for name, metric in CATALOGUE.items() if metric.kind != "derived"]
"""The metrics a run's tables hold."""

FLOW_DIMS: dict[str, str] = {name: CATALOGUE[name].dims for name in of_kind("flow")}
"""Flows the recorder counts, with their dimensions."""

INTEGRAL_DIMS: dict[str, tuple[str, float]] = {
    name: (CATALOGUE[name].dims, CATALOGUE[name].factor)
    for name in of_kind("integral")
    if name != "vacant_unit_days"  # unit-years minus tenant-years, by category
}
"""Time integrals the recorder accumulates: dimensions and factor to the reported unit."""

STOCK_DIMS: dict[str, str] = {name: CATALOGUE[name].dims for name in of_kind("stock")}
"""Year-end stocks, with their dimensions."""
