"""MkDocs hook: the repository's README files are pages of the site, and links keep working.

The landing page is ``README.md`` (as ``index.md``); ``scenarios/README.md``,
``calibration/README.md`` and ``benchmarks/README.md`` are pages at those paths. A link
is written in every Markdown file as it works in the repository (relative to the file);
here it is rewritten to the same target on the site: ``docs/X`` is ``X``, a README above
is its page, and any other file of the repository a page links to (a test, a scenario
file) is copied into the site at its repository path. A link to a file that does not
exist stays as written, so ``mkdocs build --strict`` fails on it.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
PAGES = {  # repository path -> site path of the pages that live outside docs/
    "README.md": "index.md",
    "scenarios/README.md": "scenarios/README.md",
    "calibration/README.md": "calibration/README.md",
    "benchmarks/README.md": "benchmarks/README.md",
}
LINK = re.compile(r"(\]\()([^)\s#]+)((?:#[^)\s]*)?\))")
FENCE = re.compile(r"^(```|~~~).*?^\1", flags=re.M | re.S)


def repository_path(site_path: str) -> str:
    """Where a page of the site lives in the repository."""
    outside = {site: repo for repo, site in PAGES.items()}
    return outside.get(site_path, f"docs/{site_path}")


def site_path(repo_path: str) -> str | None:
    """Where a file of the repository is on the site (None: a file above docs/)."""
    if repo_path in PAGES:
        return PAGES[repo_path]
    if repo_path.startswith("docs/"):
        return repo_path.removeprefix("docs/")
    return None


def targets(markdown: str, page_repo_path: str) -> list[str]:
    """The repository paths of the relative links of a page (code blocks left out)."""
    found = []
    for target in LINK.findall(FENCE.sub("", markdown)):
        link = target[1]
        if "://" in link or link.startswith(("mailto:", "/")):
            continue
        found.append(posixpath.normpath(posixpath.join(posixpath.dirname(page_repo_path), link)))
    return found


def on_files(files: Files, config) -> Files:
    for repo, site in PAGES.items():
        if (ROOT / repo).is_file():
            files.append(File.generated(config, site, abs_src_path=str(ROOT / repo)))
    pages = [repo for repo in PAGES if (ROOT / repo).is_file()]
    pages += [p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")]
    copied = set()
    for page in pages:
        for target in targets((ROOT / page).read_text(encoding="utf-8"), page):
            path = ROOT / target
            if site_path(target) is None and path.is_file() and target not in copied:
                copied.add(target)
                files.append(File.generated(config, target, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    here = page.file.src_uri
    repo_here = repository_path(here)

    def rewrite(match: re.Match[str]) -> str:
        link = match.group(2)
        if "://" in link or link.startswith(("mailto:", "/")):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(repo_here), link))
        on_site = site_path(target) or target
        if not (ROOT / target).exists():
            return match.group(0)  # left for mkdocs to report
        new = posixpath.relpath(on_site, posixpath.dirname(here) or ".")
        return f"{match.group(1)}{new}{match.group(3)}"

    pieces, last = [], 0
    for fence in FENCE.finditer(markdown):
        pieces.append(LINK.sub(rewrite, markdown[last : fence.start()]))
        pieces.append(fence.group(0))
        last = fence.end()
    pieces.append(LINK.sub(rewrite, markdown[last:]))
    return "".join(pieces)
