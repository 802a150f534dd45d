"""A report as data: its tables, sentences and figures, which the workbook and the web page
show (made by ``content.load_report``, filled for each kind by ``kinds``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.names import Names
from sim.report.words import say


@dataclass
class Table:
    """A table of a report: a sheet of the workbook, a section of the page."""

    key: str  # stable name (the page's data-table)
    title: str  # in the report's language
    frame: pd.DataFrame  # headers in the report's language; numbers as numbers
    note: str = ""


@dataclass
class Report:
    """Everything a workbook or a web page of a result folder shows."""

    language: str  # the catalogue's code: en or nb
    folder: Path
    manifest: dict[str, Any]
    scenario: dict[str, Any]  # the merged scenario that was run ({} if not kept)
    summary: pd.DataFrame  # sim run's summary.csv (empty for the other kinds)
    key_figures: pd.DataFrame  # totals of KEY_METRICS in the first and last year
    families: dict[str, pd.DataFrame] = field(default_factory=dict)  # wide by year
    assumptions: pd.DataFrame = field(default_factory=pd.DataFrame)
    figures: dict[str, bytes] = field(default_factory=dict)  # PNG by name
    heading: str = ""  # the title, if not a run's
    asks: str = ""  # the question, if not a run's
    sentences: list[str] = field(default_factory=list)  # the answer in words
    tables: list[Table] = field(default_factory=list)  # the kind's own tables
    files_checked: int | None = None  # files whose checksums were checked (None: no checksums)
    guide: str = ""  # how to read the report, where the kind needs its own words
    more_provenance: list[tuple[str, str]] = field(default_factory=list)  # the kind's own
    headline: list[str] = field(default_factory=list)  # the main changes first (compare)
    rule: str = ""  # how the headline is ranked
    lead: str = ""  # the answer in one sentence, where the kind has one
    intro: str = ""  # what the headline's sentences are about, where they do not say
    main_figure: str = ""  # the figure a brief shows (else the first)
    names: Names | None = None  # display names of scenarios, groups and categories

    def shown_names(self) -> Names:
        """The display names (made from the manifest and scenario if not set)."""
        if self.names is None:
            self.names = Names(self.manifest, self.scenario, self.language)
        return self.names

    def one_sentence(self) -> str:
        """The answer in one sentence: the kind's own, else its first sentence."""
        return self.lead or (self.sentences[0] if self.sentences else self.question())

    def how_to_read(self) -> str:
        """How to read the report: the kind's own words, else those of a run's."""
        return self.guide or say("how_to_read_text", self.language)

    @property
    def kind(self) -> str:
        return str(self.manifest.get("kind", "run"))

    def add_table(self, key: str, title: str, frame: pd.DataFrame) -> None:
        self.tables.append(Table(key, title, frame.reset_index(drop=True)))

    @property
    def first_year(self) -> int:
        return int(self.manifest["years"][0])

    @property
    def last_year(self) -> int:
        return int(self.manifest["years"][1])

    @property
    def name(self) -> str:
        return str(self.manifest.get("scenario", ""))

    @property
    def display_name(self) -> str:
        """The scenario's display name in the report's language (its id where it has none)."""
        return self.shown_names().base()

    def title(self) -> str:
        return self.heading or say("title", self.language, name=self.shown_names().base())

    def question(self) -> str:
        """What the report answers: the scenario, its years and replications."""
        if self.asks:
            return self.asks
        return say(
            "question",
            self.language,
            name=self.shown_names().base(),
            first=self.first_year,
            last=self.last_year,
            n=self.manifest.get("replications", ""),
        )

    def checked(self) -> str:
        """Whether the folder's files were checked against the manifest's checksums."""
        if self.files_checked is None:
            return say("files_unchecked", self.language)
        return say("files_checked_yes", self.language, n=self.files_checked)

    def description(self) -> str:
        return str(self.scenario.get("description", "")).strip()

    def provenance(self) -> list[tuple[str, str]]:
        """(label, value) rows: what was run, how, with which versions."""
        m = self.manifest
        lang = self.language
        return [
            (say("scenario", lang), str(m.get("scenario", ""))),
            (say("scenario_file", lang), str(m.get("scenario_file") or "")),
            (say("scenario_sha256", lang), str(m.get("scenario_sha256") or "")),
            (say("years", lang), f"{self.first_year}–{self.last_year}"),
            (say("warmup", lang), f"{m.get('warmup_years', 0):g}"),
            (say("replications", lang), str(m.get("replications", ""))),
            (say("seed", lang), str(m.get("seed", ""))),
            (say("version", lang), str(m.get("versions", {}).get("sim-housing", ""))),
            (say("commit", lang), str(m.get("git_commit") or "")),
            (say("engine", lang), str(m.get("engine") or "")),
            (say("files_checked", lang), self.checked()),
            (say("command", lang), str(m.get("command") or "")),
            (say("started", lang), str(m.get("started", ""))),
            (say("wall_seconds", lang), f"{m.get('wall_seconds', 0):g}"),
            *self.more_provenance,
        ]
