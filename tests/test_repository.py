"""The repository stands alone: no file refers to a path outside it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".git", "results", "build", "dist", ".ci-venv", ".ci-results", "__pycache__"}
TEXT = {".py", ".md", ".yaml", ".yml", ".toml", ".csv", ".txt", ".cfg", ".ini", ""}
LINK = re.compile(r"\]\(([^)#\s]+)")
OUTSIDE = re.compile(r"\.\./shared|/work/")


def files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts[:-1]
        if (
            set(parts) & SKIP_DIRS
            or any(part.endswith(".egg-info") for part in parts)
            or any(part.startswith(".") and part != ".ci" for part in parts)  # caches, venvs
        ):
            continue
        if path.is_file() and path.suffix in TEXT and path.stat().st_size < 2_000_000:
            found.append(path)
    return found


def test_the_repository_has_files_to_check() -> None:
    names = {path.name for path in files()}
    assert {"README.md", "model.md", "flexbo.yaml", "pyproject.toml"} <= names


def test_no_file_names_a_path_outside_the_repository() -> None:
    offenders = []
    for path in files():
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert offenders == []


def test_every_relative_link_in_the_documentation_stays_inside() -> None:
    offenders = []
    for path in files():
        if path.suffix != ".md":
            continue
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            resolved = (path.parent / target).resolve()
            if not resolved.is_relative_to(ROOT):
                offenders.append(f"{path.relative_to(ROOT)}: {target}")
    assert offenders == []


def test_the_readme_is_a_landing_page_with_the_two_set_up_commands() -> None:
    """The README stays short, and its set-up block is the main job and the test command
    that CI runs as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    block = readme.split("## Set up", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert commands == [
        "python -m pip install . && sim run scenarios/flexbo.yaml",
        'python -m pip install ".[test]" && python -m pytest',
    ]
    assert (ROOT / "scenarios" / "flexbo.yaml").is_file()
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
