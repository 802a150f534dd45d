"""Reading user files and YAML text safely, with limits that keep every mistake an input error.

A scenario, a calibration spec, a ``--set`` value or a pasted text goes through
:func:`parse_yaml`: PyYAML's safe loader (the C one where PyYAML was built with libyaml),
with duplicate keys rejected, every constructor error (``!!int 1.5``, ``!!float abc``)
turned into a YAML error, and a first pass over the parser's events that bounds the
nesting depth and what aliases expand to *before* anything is built. Files are read by
:func:`read_text`, which opens only regular files, without blocking on a pipe, and reads at
most :data:`MAX_FILE_BYTES`. :func:`dump_yaml` writes data as YAML that
:func:`parse_yaml` reads back to the same values, and :func:`written_size` says whether
such a text stays within these limits.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
    ScalarEvent,
)

from sim.config.errors import InputError, Problem, ScenarioError, brief, brief_text

MAX_FILE_BYTES = 1_000_000
"""Largest file read (scenario, spec, targets): 1 MB, a hundred times the largest shipped."""

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists in a YAML document (scenarios need 4)."""

MAX_VALUES = 100_000
"""Most values (scalars, mappings, lists) a document may hold once aliases are expanded."""

ROOM_BYTES = 20_000
ROOM_VALUES = 1_000
"""What a scenario written out by this tool leaves of the limits above for the comments
at its top and the build a sized scenario adds (``scenarios/README.md``, "Limits")."""

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LIBYAML = _BaseLoader is not yaml.SafeLoader


class FileProblem(ScenarioError):
    """A file could not be opened or read (missing, not a regular file, too large, ...)."""


def read_text(path: Path, shown: str, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes.

    Every failure is an input error naming the file: missing, a folder, a device, pipe or
    socket, a system file whose size is not its content (``/proc``), unreadable, too long
    a name, a symbolic link loop, too large, not UTF-8. A pipe is never waited on.
    """
    shown = brief_text(shown, 200)

    def fail(message: str) -> FileProblem:
        return FileProblem([Problem(shown, "", message)])

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise fail("file not found") from None
    except IsADirectoryError:
        raise fail("is a folder, not a file") from None
    except PermissionError:
        raise fail("cannot be read: permission denied") from None
    except OSError as error:
        raise fail(_os_message(error)) from None
    except ValueError:  # a NUL byte: no operating system names a file so
        raise fail("is not a file name: it holds a NUL byte (\\0)") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise fail("is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise fail("is not a regular file (a device, pipe or socket); give a file")
        if info.st_size > limit:
            raise fail(_too_large(info.st_size, limit))
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise fail(_os_message(error)) from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise fail(_too_large(len(data), limit))
    if len(data) != info.st_size:  # /proc, /sys: their size says nothing of their content
        raise fail("is not a regular file of stored data (a system file?); give a file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise fail(f"is not UTF-8 text (byte {error.start + 1} cannot be decoded)") from None


def _too_large(size: int, limit: int) -> str:
    return f"is {size:,} bytes; files larger than {limit:,} bytes are not read"


def _os_message(error: OSError) -> str:
    if error.errno == errno.ENAMETOOLONG:
        return "cannot be read: its name is too long (at most 255 characters a name)"
    if error.errno == errno.ELOOP:
        return "cannot be read: a symbolic link on its path loops (or links too deeply)"
    return f"cannot be read ({error.strerror or error})"


class _Loader(_BaseLoader):  # type: ignore[valid-type, misc]
    """The safe loader with duplicate keys rejected and constructor errors as YAML errors."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    earlier = seen.get(key)
                except TypeError:  # unhashable: the constructor reports it
                    continue
                if earlier is not None:
                    raise ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"duplicate key {brief(key)} (first at line {earlier.line + 1}); "
                        "give each key once",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except Exception as error:  # e.g. ValueError of ``!!int 1.5``: the text's fault
            tag = node.tag.rsplit(":", 1)[-1]
            text = brief(node.value) if isinstance(node, yaml.ScalarNode) else "here"
            raise ConstructorError(
                None,
                None,
                f"{text} is not a valid {tag} ({brief_text(str(error), 80)})",
                node.start_mark,
            ) from None


# YAML 1.1's base-60 numbers (``1:30`` read as 90) are text, as in YAML 1.2: where a number
# is wanted the schema refuses them, so a time or a ratio is never silently a number.
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, re.compile(r"(?![^:]*:)" + pattern.pattern, pattern.flags))
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
        else (tag, pattern)
        for tag, pattern in resolvers
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

# YAML 1.2 floats without a dot or exponent sign (``1e5``, ``2.5e-3``) are numbers, as a
# reader expects, not the text YAML 1.1 makes of them.
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def _check_events(text: str) -> None:
    """Bound nesting and alias expansion using the parser's events, before composing."""
    depth = 0
    expanded = 0
    sizes: dict[str, int] = {}  # anchor -> values it stands for
    open_counts: list[tuple[str | None, int]] = []  # per open collection: anchor, start count
    open_anchors: set[str] = set()
    for event in yaml.parse(text, Loader=_BaseLoader):
        if not isinstance(event, NodeEvent) and not isinstance(event, CollectionEndEvent):
            continue
        if isinstance(event, AliasEvent):
            anchor = event.anchor
            if anchor in open_anchors:
                raise _structure_error(
                    event,
                    f"alias *{brief_text(str(anchor), 40)} refers to a value that "
                    "contains it (a recursive alias)",
                )
            if anchor not in sizes:
                raise _structure_error(
                    event, f"alias *{brief_text(str(anchor), 40)} names no anchor defined before it"
                )
            expanded += sizes[anchor]
        elif isinstance(event, ScalarEvent):
            expanded += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _structure_error(
                    event, f"nested more than {MAX_DEPTH} levels deep; scenario files need a few"
                )
            expanded += 1
            open_counts.append((event.anchor, expanded))
            if event.anchor is not None:
                open_anchors.add(event.anchor)
        else:  # CollectionEndEvent
            depth -= 1
            anchor, start = open_counts.pop()
            if anchor is not None:
                sizes[anchor] = expanded - start + 1
                open_anchors.discard(anchor)
        if expanded > MAX_VALUES:
            raise _structure_error(
                event,
                f"holds more than {MAX_VALUES:,} values once its aliases are expanded; "
                "write the values out or use fewer aliases",
            )


def _structure_error(event: Any, message: str) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(None, None, message, event.start_mark)


def parse_yaml(text: str, shown: str, kind: type[InputError] = ScenarioError, key: str = "") -> Any:
    """Parse YAML ``text`` (from ``shown``) safely; any problem is an input error."""
    try:
        _check_events(text)
        return yaml.load(text, Loader=_Loader)  # _Loader is a subclass of the safe loader
    except yaml.YAMLError as error:
        raise kind([Problem(brief_text(shown, 200), key, yaml_message(error))]) from None
    except RecursionError:  # not expected after the depth check; never a traceback
        raise kind(
            [Problem(brief_text(shown, 200), key, f"nested too deeply (limit {MAX_DEPTH})")]
        ) from None


def yaml_message(error: yaml.YAMLError) -> str:
    """``malformed YAML at line L, column C: problem`` from a PyYAML error."""
    mark = getattr(error, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    if context and "duplicate" not in str(problem):
        problem = f"{problem} ({context})"
    return f"malformed YAML{where}: {brief_text(str(problem), 300)}"


def read_yaml_file(path: Path, shown: str, kind: type[InputError] = ScenarioError) -> Any:
    """A YAML file read by :func:`read_text` and parsed by :func:`parse_yaml`."""
    return parse_yaml(read_text(path, shown), shown, kind)


_STR = "tag:yaml.org,2002:str"


def _read_as(text: str) -> str:
    """The tag :func:`parse_yaml` gives ``text`` written plain (its implicit resolvers)."""
    resolvers = _Loader.yaml_implicit_resolvers
    for tag, regexp in resolvers.get(text[:1], []) + resolvers.get(None, []):
        if regexp.match(text):
            return str(tag)
    return _STR


class _Dumper(yaml.SafeDumper):
    """The safe dumper, so that :func:`parse_yaml` reads back what it writes: a text that
    either PyYAML or :func:`parse_yaml` would read as something else (``1e5``, ``.inf``,
    ``0x10``, ``1_000``, ``1:30``, ``yes``, ``off``, ``null``, ``~``, ``2020-01-01``) is
    quoted; no anchors or aliases; lists of numbers on one line."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        tag = super().resolve(kind, value, implicit)
        if kind is yaml.ScalarNode and implicit[0] and tag == _STR:
            return _read_as(value)
        return tag

    def represent_str(self, data: str) -> Any:
        breaks = any(mark in data for mark in "\n\r\x85\u2028\u2029")
        return self.represent_scalar(_STR, data, style='"' if breaks else None)

    def represent_list(self, data: Any) -> Any:
        flow = bool(data) and all(_is_number(item) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow or None)


_Dumper.add_representer(str, _Dumper.represent_str)
_Dumper.add_representer(list, _Dumper.represent_list)
_Dumper.add_representer(tuple, _Dumper.represent_list)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def dump_yaml(data: Any, flow: bool = False) -> str:
    """``data`` (numbers, text, booleans, ``None``, lists, mappings) as YAML text that
    :func:`parse_yaml` reads back to equal values; ``flow`` writes it on one line.

    >>> print(dump_yaml({"name": "1e5", "on": "yes", "values": [0.5, 1e-05]}), end="")
    name: '1e5'
    'on': 'yes'
    values: [0.5, 1.0e-05]
    """
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=flow,
        width=float("inf") if flow else None,
    )


def yaml_value(value: Any) -> str:
    """``value`` as one line of YAML (for ``KEY: VALUE`` lines written by hand).

    >>> yaml_value("yes"), yaml_value("a #b"), yaml_value(1e-05), yaml_value([1, "on"])
    ("'yes'", "'a #b'", '1.0e-05', "[1, 'on']")
    """
    return dump_yaml(value, flow=True).strip().removesuffix("\n...")


def count_values(data: Any) -> int:
    """Values of ``data`` as :func:`parse_yaml` counts them (each key, scalar, mapping
    and list once)."""
    if isinstance(data, dict):
        return 1 + sum(1 + count_values(item) for item in data.values())
    if isinstance(data, list | tuple):
        return 1 + sum(count_values(item) for item in data)
    return 1


def _bytes_bound(data: Any, depth: int = 0) -> int:
    """An upper bound of the bytes :func:`dump_yaml` writes for ``data``: per value its
    indent, key marks and line end, and per character of text at most 12 bytes (an
    escape such as ``\\U0010FFFF``) plus a line break with its indent. A list of numbers
    is one line broken only past column 80, so each break follows at least 80 - indent
    characters."""
    line = 2 * depth + 16
    if isinstance(data, dict):
        return line + sum(
            _bytes_bound(key, depth) + _bytes_bound(item, depth + 1) for key, item in data.items()
        )
    if isinstance(data, list | tuple):
        indent = line - 10
        if data and indent < 40 and all(_is_number(item) for item in data):
            characters = sum(len(repr(item)) + 4 for item in data)  # 1e-05 is 1.0e-05
            return line + characters + (characters // (80 - indent) + 1) * (indent + 1)
        return line + sum(_bytes_bound(item, depth + 1) for item in data)
    if isinstance(data, str):
        return line + len(data) * (12 + line)
    return line + len(repr(data)) + 2


def written_size(data: Any, limit_bytes: int) -> tuple[int, int | None]:
    """``(values, bytes)`` of ``data`` written by :func:`dump_yaml`; the bytes are ``None``
    when a cheap bound shows that they are at most ``limit_bytes`` (writing a large text
    only to measure it is avoided)."""
    values = count_values(data)
    if _bytes_bound(data) <= limit_bytes:
        return values, None
    return values, len(dump_yaml(data).encode("utf-8"))
