"""Build: the event loop (``sim/model``) is compiled with mypyc where a C compiler is at
hand, which roughly doubles its speed; anywhere else the same code runs as pure Python.

Set ``SIM_PURE_PYTHON=1`` to skip compilation (e.g. for an editable install you edit).
"""

from __future__ import annotations

import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED_MODULES = [
    "sim/model/housing.py",
    "sim/model/entities.py",
    "sim/model/streams.py",
    "sim/model/recorder.py",
]


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


def extensions() -> list:
    if os.environ.get("SIM_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify

        return mypycify(["--ignore-missing-imports", *COMPILED_MODULES], opt_level="3")
    except (Exception, SystemExit) as error:  # no mypyc, or the code did not type-check
        print(f"warning: compiled engine not built ({error}); using pure Python",
              file=sys.stderr)
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
