"""The examples in the package's docstrings run (``>>>`` lines), module by module."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import sim

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(sim.__path__, "sim.")
    if not info.name.endswith("__main__")
)


def test_the_package_has_examples() -> None:
    finder = doctest.DocTestFinder()
    examples = sum(
        len(test.examples)
        for name in MODULES
        for test in finder.find(importlib.import_module(name))
    )
    assert examples >= 15


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failed == 0
