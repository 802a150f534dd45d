"""Where a scenario's numbers come from: the comments of its files and the data dictionary
(the app's about page and the reports' assumptions read them here).

Every number in a shipped scenario file carries a comment with its report line or the
word "assumption"; :func:`assumptions` reads them back per key (with the comment lines
just above a key), following ``extends`` to the parent files. :func:`data_dictionary`
reads the meaning and unit of every key from the tables of the data dictionary
(``scenarios/README.md``). Both read the server's own files, chosen by the server.

>>> rows = key_comments("time:\\n  start: 2008   # l. 1600\\n")
>>> [(row.key, row.value, row.source) for row in rows]
[('time', '', ''), ('time.start', '2008', 'l. 1600')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sim.config.loader import read_yaml
from sim.config.yaml_io import read_text

_KEY = re.compile(
    r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z0-9_]+)\s*:(?:\s+|$)(?P<rest>.*)$"
)
_ROW = re.compile(r"^\|\s*`(?P<key>[^`]+)`\s*\|(?P<meaning>[^|]*)\|(?P<unit>[^|]*)\|")
_HEADING = re.compile(r"^###\s+`(?P<prefix>[^`]+)`")
MAX_CHAIN = 16


@dataclass(frozen=True)
class KeyComment:
    """A key of a scenario file with its value as written and its comment."""

    key: str  # dotted, list items by index: builds.0.units
    value: str
    source: str  # the comment beside the key, with the comment lines just above it


@dataclass(frozen=True)
class FileNotes:
    """One file of a scenario's ``extends`` chain: its leading comment and its keys."""

    name: str
    header: str
    keys: list[KeyComment]


def _split_comment(text: str) -> tuple[str, str]:
    """``value  # comment`` → (value, comment), ignoring ``#`` inside quotes."""
    quote = ""
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or text[i - 1].isspace()):
            return text[:i].strip(), text[i + 1 :].strip()
    return text.strip(), ""


def key_comments(text: str) -> list[KeyComment]:
    """Every key of a YAML file's block mappings with its value text and comment."""
    rows: list[KeyComment] = []
    stack: list[tuple[int, str]] = []  # (indent, key part)
    items: dict[tuple[str, ...], int] = {}  # list counters by parent path
    above: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            above = []
            continue
        if stripped.startswith("#"):
            above.append(stripped.lstrip("#").strip())
            continue
        match = _KEY.match(line)
        if match is None:
            above = []
            continue
        indent = len(match["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if match["dash"]:
            parent = tuple(part for _, part in stack)
            index = items.get(parent, -1) + 1
            items[parent] = index
            stack.append((indent, str(index)))
            indent += len(match["dash"])
        value, comment = _split_comment(match["rest"])
        path = [part for _, part in stack] + [match["key"]]
        source = " ".join([*above, comment]).strip()
        rows.append(KeyComment(".".join(path), value, source))
        stack.append((indent, match["key"]))
        above = []
    return rows


def _header(text: str) -> str:
    """The comment block at the top of a file."""
    lines = []
    for line in text.splitlines():
        if line.startswith("# yaml-language-server:"):  # for editors, not readers
            continue
        if line.startswith("#"):
            lines.append(line.lstrip("#").strip())
        elif line.strip():
            break
        else:
            lines.append("")
    return "\n".join(lines).strip()


def assumptions(file: Path) -> list[FileNotes]:
    """The notes of ``file`` and of every file it extends, the file itself first."""
    chain: list[FileNotes] = []
    current: Path | None = file
    while current is not None and len(chain) < MAX_CHAIN:
        text = read_text(current, current.name)
        chain.append(FileNotes(current.name, _header(text), key_comments(text)))
        parent = read_yaml(current).get("extends")
        current = current.parent / parent if isinstance(parent, str) else None
    return chain


def data_dictionary(folder: Path) -> dict[str, tuple[str, str]]:
    """Key pattern (``stock.<id>.units``, ``policy.renewal``) → (meaning, unit), from the
    data dictionary in ``folder`` or the folders above it (``README.md``); empty if none."""
    for candidate in (folder / "README.md", folder.parent / "README.md"):
        if candidate.is_file():
            text = read_text(candidate, candidate.name)
            if "## Data dictionary" in text:
                return _dictionary(text)
    return {}


def _dictionary(text: str) -> dict[str, tuple[str, str]]:
    entries: dict[str, tuple[str, str]] = {}
    prefix = ""
    for line in text.split("## Data dictionary", 1)[1].splitlines():
        heading = _HEADING.match(line)
        if heading:
            prefix = heading["prefix"].removesuffix("*").removesuffix(".")
            continue
        row = _ROW.match(line)
        if row is None:
            continue
        key = row["key"]
        if prefix and "." not in key and prefix not in ("time", "policy"):
            key = f"{prefix}.{key}"
        entries[key] = (row["meaning"].strip(), row["unit"].strip())
    return entries


def pattern(key: str) -> list[str]:
    """Data-dictionary keys that may describe a scenario key, most specific first."""
    parts = key.split(".")
    if parts[0] in ("stock", "groups") and len(parts) >= 3:
        return [f"{parts[0]}.<id>.{parts[2]}"]
    if parts[0] == "builds" and len(parts) >= 3:
        return [f"builds[].{parts[2]}"]
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def meaning(key: str, dictionary: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """The meaning and unit of a scenario key, or empty texts."""
    for candidate in pattern(key):
        if candidate in dictionary:
            return dictionary[candidate]
    return "", ""
