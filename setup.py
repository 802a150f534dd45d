"""Build: the event loop (``sim/model``) is compiled with mypyc where a C compiler is at
hand, which makes it about five times as fast; anywhere else the same code runs as pure Python.

Set ``SIM_PURE_PYTHON=1`` (or ``true``, ``yes``) to skip compilation (e.g. for an
editable install you edit); ``0``, ``false``, ``no`` or empty compile as when it is unset,
and any other value stops the build with a message.
The hash of the compiled sources is written to ``sim/model/_build.py``; ``sim.model``
uses the compiled modules only while the sources beside them still have that hash.
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
SOURCES = runpy.run_path(str(HERE / "sim" / "model" / "_sources.py"))
COMPILED_MODULES = [f"sim/model/{name}.py" for name in SOURCES["MODULES"]]
BUILD_RECORD = HERE / "sim" / "model" / "_build.py"


class OptionalBuildExt(build_ext):
    """Build the compiled engine if possible; fall back to pure Python if not."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # no compiler, no headers, ...
            print(f"warning: compiled engine not built ({error}); using pure Python",
                  file=sys.stderr)

    def build_extension(self, ext) -> None:  # type: ignore[no-untyped-def]
        try:
            super().build_extension(ext)
        except Exception as error:
            print(f"warning: {ext.name} not compiled ({error}); using pure Python",
                  file=sys.stderr)


def record_build() -> None:
    """Write the hash of the sources being compiled; sim.model checks it on import."""
    BUILD_RECORD.write_text(
        '"""Written by setup.py: the sources the compiled engine was built from."""\n\n'
        f'SOURCE_SHA256 = "{SOURCES["source_hash"]()}"\n'
    )


def extensions() -> list:
    BUILD_RECORD.unlink(missing_ok=True)
    try:
        pure = SOURCES["pure_python_requested"](os.environ)
    except ValueError as error:
        raise SystemExit(f"error: environment variable SIM_PURE_PYTHON: {error}") from None
    if pure:
        return []
    try:
        from mypyc.build import mypycify

        record_build()
        return mypycify(["--ignore-missing-imports", *COMPILED_MODULES], opt_level="3")
    except (Exception, SystemExit) as error:  # no mypyc, or the code did not type-check
        print(f"warning: compiled engine not built ({error}); using pure Python",
              file=sys.stderr)
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
