"""Reports planners open: ``report.xlsx`` and ``report.html`` in a result folder, in
English or Norwegian (``sim report``, and ``--report`` on every command that writes a
result folder).

A report is made only from what the folder holds (manifest, its tables, the merged
scenario; the comments of the scenario file it names, where that file still exists), so
it can be remade later.
"""

from __future__ import annotations

from collections.abc import Iterable
from os.path import lexists as exists
from pathlib import Path

from sim.analysis.replace import atomic_write, file_mode, file_problem, in_result_folder
from sim.config.errors import InputError, Problem
from sim.report import reading
from sim.report.content import LANGUAGES, load_report, read_manifest
from sim.report.document import Report
from sim.report.webpage import write_page
from sim.report.workbook import write_workbook

WRITER = "sim report (in a result folder)"
"""What writes the report files; ``--force`` replaces only theirs."""
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

    An existing report file is replaced only with ``force`` (and only a regular file in
    a result folder); each file is written to a temporary file beside it and renamed
    when complete.
    """
    folder = Path(folder)
    chosen = parse_formats(list(formats))
    targets = [folder / FORMATS[name][0] for name in chosen]
    found = [file_problem(t, force, in_result_folder, WRITER, "") for t in targets if exists(t)]
    if any(found):
        raise InputError([problem for problem in found if problem is not None])
    report = load_report(folder, language)
    written = []
    for name, target in zip(chosen, targets, strict=True):
        mode = file_mode(folder / "manifest.json")
        with atomic_write(target, force, in_result_folder, WRITER, "", mode) as temporary:
            FORMATS[name][1](report, temporary)
        written.append(target)
    return written
