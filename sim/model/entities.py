"""The things in the model: dwellings, households, and the per-group constants."""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field
from typing import Any

from sim.config.schema import Category, Group, Policy, Renewal, TenancyDraw
from sim.model.durations import Standardised, exponential, mean, sampler
from sim.model.engine import Timer
from sim.model.queues import Entry, WaitingList
from sim.model.streams import Draws


class Dwelling:
    """One municipal dwelling (its tenant's ``dwelling`` points at it).

    ``normals`` are the standard normal draws of its first turnarounds, taken from its
    category's stream when the dwelling is made; later ones and its lottery draws are
    hashed from its own key (``State.dwelling_key``: made on first use from its
    category and number).
    """

    __slots__ = (
        "available",
        "id",
        "k",
        "key",
        "latent",
        "lotteries",
        "normals",
        "removed",
        "rooms",
        "serial",
        "turnarounds",
    )

    def __init__(
        self, dwelling_id: str, k: int, serial: int, rooms: int | None, normals: array[float]
    ) -> None:
        self.id = dwelling_id
        self.k = k
        self.serial = serial
        self.rooms = rooms
        self.key = -1  # made on first use
        self.normals = normals
        self.available = False  # vacant and past its turnaround
        self.removed = False
        self.turnarounds = 0
        self.lotteries = 0
        self.latent = 0  # latent applications called forth (their timers' token)


class Household(Draws):
    """One applicant household, from application to exit.

    Times are calendar years (floats). ``epoch`` and ``wait_epoch`` invalidate timers
    scheduled before a change of state: a timer fires only if its token still matches.

    Its block of uniforms (``sim.model.streams``) is read when it is made: the draws that
    decide at once (approval, rooms, needs) set its attributes, and those it reads later
    are the fields it has as a :class:`~sim.model.streams.Draws` (``u_<purpose>``, one for
    each purpose; ``renewal_draw(j)`` is its draw for discretionary renewal j). Its clocks are
    unit-exponential budgets that run down at their rates while their condition holds:
    ``withdraw_left`` while it waits on the list (at ``withdraw_rate`` since
    ``waiting_since``), the tenancy clocks while it is housed (at the ``*_rate`` fields
    since ``clocks_since``). A state change first runs the clocks down to now at the old
    rates, then sets the new ones: a household's fate does not depend on how often its
    timer was redrawn, nor on other households' draws.
    """

    __slots__ = (
        "base",
        "breakdown_left",
        "breakdown_rate",
        "breakdowns",
        "clocks_drawn",
        "clocks_since",
        "contract_end",
        "dwelling",
        "entry",
        "episodes",
        "epoch",
        "first_in_line",
        "followed",
        "followups",
        "g",
        "held",
        "homeless_flag",
        "housed_before",
        "id",
        "in_followup_queue",
        "leave_left",
        "leave_rate",
        "needs_followup",
        "nonrenewals",
        "offers",
        "on_list",
        "other_left",
        "other_rate",
        "outside",
        "permanent",
        "persons",
        "record",
        "renewal_draws",
        "renewals",
        "rooms",
        "self_left",
        "self_rate",
        "self_sufficient",
        "seniority",
        "shelter",
        "shelter_epoch",
        "stay_from",
        "stays",
        "switches",
        "tenancies",
        "transfer",
        "wait_epoch",
        "wait_start",
        "waiting_since",
        "withdraw_drawn",
        "withdraw_left",
        "withdraw_rate",
        "withdraw_timer",
    )

    def __init__(self, household_id: int, g: int, base: int, block: tuple[float, ...]) -> None:
        self.id = household_id
        self.g = g
        self.base = base  # index of (g, 0) in the recorder's flat arrays
        self.rooms: int | None = None
        self.persons = 1
        self.permanent = False
        self.needs_followup = False
        self.homeless_flag = False
        self.housed_before = False  # held a municipal tenancy before (in the model)
        self.self_sufficient = False
        self.seniority = 0.0
        self.wait_start = 0.0
        self.entry: Entry | None = None  # its place on the waiting lists while on them
        self.on_list = False
        self.transfer = False
        self.dwelling: Dwelling | None = None
        self.contract_end: float | None = None
        self.renewals = 0
        self.epoch = 0
        self.wait_epoch = 0
        self.shelter: str | None = None  # "emergency", "hospits" or "own" while homeless
        self.shelter_epoch = 0
        self.switches = 0  # homeless stays on the list that ended in another decision
        self.stay_from = -1  # the decision its stay began at (-1: its episode's first)
        self.first_in_line = False  # a forced mover ranked ahead of every applicant
        self.followed = False
        self.followups = 0  # follow-up spells begun
        self.in_followup_queue = False
        self.record: dict[str, Any] | None = None
        # occurrences of the repeating draws used so far
        self.breakdowns = 0
        self.renewal_draws = 0
        self.offers = 0
        self.episodes = 0  # homelessness episodes on the list
        self.nonrenewals = 0  # contract ends not renewed while not self-sufficient
        self.outside = 0  # times counted homeless outside the list
        self.stays = 0  # pre-housing stays begun
        self.tenancies = 0  # tenancies begun (allocations; a transfer goes on with one)
        self.held = False  # in a pre-housing stay: on the list, not to be offered a unit
        # clocks (unit-exponential budgets left, read from the draws when first needed)
        # and the rates they run at
        self.withdraw_drawn = False
        self.clocks_drawn = False
        self.withdraw_left = 0.0
        self.withdraw_rate = 0.0
        self.withdraw_timer: Timer | None = None  # its pending withdrawal timer, if any
        self.waiting_since = 0.0
        self.breakdown_left = 0.0
        self.other_left = 0.0
        self.self_left = 0.0
        self.leave_left = 0.0
        self.breakdown_rate = 0.0
        self.other_rate = 0.0
        self.self_rate = 0.0
        self.leave_rate = 0.0
        self.clocks_since = 0.0
        Draws.__init__(self, block)  # the draws it reads later


def cumulative(shares: dict[Any, float]) -> tuple[list[Any], list[float]]:
    """Keys and cumulative shares (last exactly 1) of a share mapping."""
    keys = list(shares)
    total = 0.0
    bounds = []
    for key in keys:
        total += shares[key]
        bounds.append(total)
    if bounds:
        bounds[-1] = 1.0
    return keys, bounds


@dataclass
class GroupRuntime:
    """Constants of one group, precomputed for the event loop."""

    g: int
    id: str
    config: Group
    eligible: list[int]
    transfer_to: list[int]
    self_sufficiency_rate: float
    room_keys: list[int] = field(default_factory=list)
    room_bounds: list[float] = field(default_factory=list)
    person_keys: list[int] = field(default_factory=list)
    person_bounds: list[float] = field(default_factory=list)
    # hazards per year, with and without follow-up, read in the event loop
    breakdown: float = 0.0
    breakdown_followed: float = 0.0
    other_exit: float = 0.0
    self_sufficiency_followed: float = 0.0
    leave_when_able: float = 0.0
    # the standardised durations of the self-sufficiency and other-exit clocks
    self_sufficiency_spell: Standardised = field(default_factory=exponential)
    other_exit_spell: Standardised = field(default_factory=exponential)
    # the group's shares and rates read in the event loop (copied from ``config``: a
    # compiled attribute is read without a lookup)
    approval: float = 1.0
    permanent_need: float = 0.0
    followup_need: float = 0.0
    homeless_while_waiting: float = 0.0
    withdraw_per_year: float = 0.0
    reapply_after_breakdown: float = 0.0
    # a new other-exit clock for each tenancy; re-entry after a tenancy's other exit
    per_tenancy: bool = False
    reenter: float = 0.0
    reenter_delay: float = 0.0
    # the pre-housing stay: its mean in years (None: no stay) and standardised duration
    stay_years: float | None = None
    stay_spell: Standardised = field(default_factory=exponential)

    @classmethod
    def build(
        cls,
        g: int,
        group_id: str,
        group: Group,
        category_index: dict[str, int],
        breakdown_factor: float,
        self_sufficiency_factor: float,
    ) -> GroupRuntime:
        eligible = [category_index[c] for c in group.eligible]
        transfer_to = [category_index[c] for c in (group.transfer_to or group.eligible)]
        ready = group.self_sufficient_years
        rate = 1.0 / mean(ready) if ready is not None else 0.0
        other = group.tenancy_years
        other_rate = 1.0 / mean(other) if other is not None else group.other_exit_per_year
        room_keys, room_bounds = cumulative(group.rooms or {})
        stay = group.stay_before_housing_days
        person_keys, person_bounds = cumulative(group.persons or {})
        return cls(
            g,
            group_id,
            group,
            eligible,
            transfer_to,
            rate,
            room_keys,
            room_bounds,
            person_keys,
            person_bounds,
            breakdown=group.breakdown_per_year,
            breakdown_followed=group.breakdown_per_year * breakdown_factor,
            other_exit=other_rate,
            self_sufficiency_followed=rate * self_sufficiency_factor,
            leave_when_able=group.leave_when_able_per_year,
            self_sufficiency_spell=sampler(ready),
            other_exit_spell=sampler(other),
            approval=group.approval.at_year(0),
            permanent_need=group.permanent_need,
            followup_need=group.followup_need,
            homeless_while_waiting=group.homeless_while_waiting,
            withdraw_per_year=group.withdraw_per_year,
            reapply_after_breakdown=group.reapply_after_breakdown,
            per_tenancy=group.tenancy_draw is TenancyDraw.per_tenancy,
            reenter=group.reenter_after_tenancy,
            reenter_delay=group.reenter_delay_years,
            stay_years=None if stay is None else mean(stay) / 365.0,
            stay_spell=sampler(stay),
        )


@dataclass
class CategoryRuntime:
    """Constants and state of one category of dwellings."""

    k: int
    id: str
    config: Category
    contract_years: float | None
    renewal: Renewal
    renewal_probability: float
    differentiated: bool
    turnaround_years: float
    turnaround_sigma: float
    turnaround_shift: float
    waiting: WaitingList = field(default_factory=WaitingList)
    available: list[Dwelling] = field(default_factory=list)
    in_turnaround: dict[Dwelling, None] = field(default_factory=dict)
    pending_removals: int = 0
    units: int = 0
    serial: int = 0
    # need beyond the list (``latent_demand``): the group it calls forth (-1: none) and
    # the mean delay in years
    latent_g: int = -1
    latent_years: float = 0.0

    @classmethod
    def build(
        cls, k: int, category_id: str, category: Category, policy: Policy, time: float
    ) -> CategoryRuntime:
        """Precompute the lognormal turnaround parameters; the contract rule in force at
        ``time``."""
        probability = category.renewal_probability
        if probability is None:
            probability = policy.renewal_probability
        sigma2 = math.log(1.0 + category.turnaround_cv**2)
        runtime = cls(
            k,
            category_id,
            category,
            None,
            Renewal.needs_based,
            probability,
            False,
            category.turnaround_days / 365.0,
            math.sqrt(sigma2),
            0.5 * sigma2,
        )
        runtime.set_contracts(policy, time)
        return runtime

    def set_contracts(self, policy: Policy, time: float) -> None:
        """The contract length and renewal rule in force at ``time`` (for contracts that
        begin or end from then on)."""
        category = self.config
        self.contract_years = category.contract_years.at_time(time)
        renewal = category.renewal.at_time(time) or policy.renewal.at_time(time)
        self.renewal = renewal
        self.differentiated = renewal is Renewal.differentiated


def room_plan(rooms: int | dict[int, float] | None, units: int) -> list[int | None]:
    """Room counts for ``units`` new dwellings: largest-remainder split of the shares."""
    if rooms is None:
        return [None] * units
    if isinstance(rooms, int):
        return [rooms] * units
    exact = {size: share * units for size, share in rooms.items()}
    counts = {size: math.floor(value) for size, value in exact.items()}
    left = units - sum(counts.values())
    for size in sorted(exact, key=lambda s: (-(exact[s] - counts[s]), s))[:left]:
        counts[size] += 1
    plan: list[int | None] = []
    for size in sorted(counts):
        plan.extend([size] * counts[size])
    return plan
