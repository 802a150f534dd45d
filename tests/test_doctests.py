"""The examples in the package's docstrings run (``>>>`` lines), module by module.

The compiled engine (mypyc) keeps no docstrings, so for a compiled module the examples
are taken from, and run against, the source file installed beside it: the same code.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

import sim

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(sim.__path__, "sim.")
    if not info.name.endswith("__main__")
)


def documented(name: str) -> ModuleType:
    """The module ``name`` with its docstrings: the source beside a compiled module."""
    module = importlib.import_module(name)
    path = Path(module.__file__ or "")
    if path.suffix == ".py":
        return module
    source = path.parent / (name.rsplit(".", 1)[1] + ".py")
    spec = importlib.util.spec_from_file_location(name, source)
    assert spec is not None and spec.loader is not None, f"no source beside {path}"
    plain = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plain)
    return plain


@contextmanager
def examples(name: str) -> Iterator[list[doctest.DocTest]]:
    """The examples of module ``name``; while they run, ``sys.modules`` holds the module
    they come from (the finder and the examples look functions up by module name)."""
    module = documented(name)
    compiled = sys.modules[name]
    sys.modules[name] = module
    try:
        yield doctest.DocTestFinder().find(module, module=module)
    finally:
        sys.modules[name] = compiled


def test_the_package_has_examples() -> None:
    count = 0
    for name in MODULES:
        with examples(name) as tests:
            count += sum(len(test.examples) for test in tests)
    assert count >= 15


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    with examples(name) as tests:
        for test in tests:
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
