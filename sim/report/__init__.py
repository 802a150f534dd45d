"""Reports planners open: ``report.xlsx`` and ``report.html`` in a result folder, in
English or Norwegian (``sim report``, and ``--report`` on every command that writes a
result folder), and ``brief.pdf``, two A4 pages for a council (``--format pdf``).

A report in the default language (English) has those names; one in another language
carries its code before the suffix (``report.nb.html``), so both can live side by side
and ``--force`` replaces only the same language's files.

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
from sim.report.brief import write_brief
from sim.report.content import DEFAULT_LANGUAGE, LANGUAGES, load_report, read_manifest
from sim.report.document import Report
from sim.report.webpage import write_page
from sim.report.workbook import write_workbook

WRITER = "sim report (in a result folder)"
"""What writes the report files; ``--force`` replaces only theirs."""
FORMATS = {
    "xlsx": ("report.xlsx", write_workbook),
    "html": ("report.html", write_page),
    "pdf": ("brief.pdf", write_brief),
}
"""Each format's file name in the default language, and its writer."""

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "Report",
    "load_report",
    "make_report",
    "parse_formats",
    "report_file",
    "unchecked_note",
]


def parse_formats(text: str | Iterable[str]) -> list[str]:
    """``xlsx,html`` → ``["xlsx", "html"]``; an input error for an unknown format, and
    for ``pdf`` without the typst package (the ``pdf`` extra)."""
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
    if "pdf" in names:  # before a command runs: brief.pdf needs the typst package
        from sim.report.brief import check_typst

        check_typst()
    return list(dict.fromkeys(names))


def report_file(format_name: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The file name of a report format in a language: ``report.html`` in the default
    language, ``report.nb.html`` in Norwegian.

    >>> report_file("html"), report_file("xlsx", "nb"), report_file("pdf", "nb")
    ('report.html', 'report.nb.xlsx', 'brief.nb.pdf')
    """
    name = FORMATS[format_name][0]
    if language == DEFAULT_LANGUAGE:
        return name
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{language}{dot}{suffix}"


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
    """Write the report files into the result folder ``folder``; return their paths
    (:func:`report_file`: the language in the name unless it is the default).

    An existing report file is replaced only with ``force`` (and only a regular file in
    a result folder, of the same language); each file is written to a temporary file
    beside it and renamed when complete.
    """
    folder = Path(folder)
    chosen = parse_formats(list(formats))
    targets = [folder / report_file(name, language) for name in chosen]
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
