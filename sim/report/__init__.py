"""Reports planners open: ``report.xlsx`` and ``report.html`` in a result folder, in
English or Norwegian (``sim report``, and ``--report`` on every command that writes a
result folder).

A report is made only from what the folder holds (manifest, its tables, the merged
scenario; the comments of the scenario file it names, where that file still exists), so
it can be remade later.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from sim.analysis.output import file_mode
from sim.config.errors import InputError, Problem
from sim.report import reading
from sim.report.content import LANGUAGES, load_report, read_manifest
from sim.report.document import Report
from sim.report.webpage import write_page
from sim.report.workbook import write_workbook

FORMATS = {"xlsx": ("report.xlsx", write_workbook), "html": ("report.html", write_page)}

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "Report",
    "load_report",
    "make_report",
    "parse_formats",
    "unchecked_note",
]


def parse_formats(text: str | Iterable[str]) -> list[str]:
    """``xlsx,html`` → ``["xlsx", "html"]``; an input error for an unknown format."""
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise InputError(
            [
                Problem(
                    "--format",
                    ",".join(unknown) or str(text),
                    "unknown format; allowed: " + ", ".join(FORMATS) + " (comma-separated)",
                )
            ]
        )
    return list(dict.fromkeys(names))


def unchecked_note(folder: str | Path) -> str | None:
    """What to tell the user about a folder whose files cannot be checked (its manifest,
    written before manifests recorded checksums, has none); ``None`` for the others."""
    if reading.checked(read_manifest(Path(folder))):
        return None
    return (
        f"{folder}: written before manifests recorded checksums: its files cannot be "
        "checked, and are reported as they are"
    )


def make_report(
    folder: str | Path,
    language: str = "en",
    formats: Iterable[str] = ("xlsx", "html"),
    force: bool = False,
) -> list[Path]:
    """Write the report files into the result folder ``folder``; return their paths.

    An existing report file is replaced only with ``force``; each file is written to a
    temporary file beside it and renamed when complete.
    """
    folder = Path(folder)
    chosen = parse_formats(list(formats))
    targets = [folder / FORMATS[name][0] for name in chosen]
    existing = [target for target in targets if target.exists()]
    if existing and not force:
        raise InputError(
            [
                Problem(str(target), "", "exists already; add --force to replace it")
                for target in existing
            ]
        )
    report = load_report(folder, language)
    written = []
    for name, target in zip(chosen, targets, strict=True):
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
        os.close(handle)
        try:
            FORMATS[name][1](report, Path(temporary))
            os.chmod(temporary, file_mode(folder / "manifest.json"))
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        written.append(target)
    return written
