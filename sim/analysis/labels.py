"""Display labels of metrics, in English and Norwegian, with units, from the one metric
catalogue (``sim/model/catalogue.py``)."""

from __future__ import annotations

from sim.model.catalogue import CATALOGUE, RECORDED

# metric -> (English label, Norwegian label, unit), for the metrics a run's tables hold
METRICS: dict[str, tuple[str, str, str]] = {
    name: (CATALOGUE[name].english, CATALOGUE[name].norwegian, CATALOGUE[name].unit)
    for name in RECORDED
}


def label(metric: str, language: str = "en", with_unit: bool = False) -> str:
    """The metric's display label in English (``en``) or Norwegian bokmål (``no``)."""
    entry = CATALOGUE.get(metric)
    english, norwegian, unit = (
        (entry.english, entry.norwegian, entry.unit) if entry else (metric, metric, "")
    )
    text = norwegian if language == "no" else english
    return f"{text} ({unit})" if with_unit and unit else text


def check_metrics(names: list[str], option: str = "--metrics") -> list[str]:
    """``names`` if every one is a metric of the catalogue, else an input error (exit 2)."""
    from difflib import get_close_matches

    from sim.config.errors import InputError, Problem, brief_text

    problems = []
    if not names:
        problems.append(Problem(option, "", "give at least one metric, e.g. waiting"))
    for name in names:
        if name not in METRICS:
            guess = get_close_matches(name, list(METRICS), n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            problems.append(
                Problem(
                    option,
                    brief_text(name, 60),
                    f"unknown metric; {hint}allowed: {', '.join(sorted(METRICS))}",
                )
            )
    if problems:
        raise InputError(problems)
    return names
