"""A replication's yearly rows as compact arrays (what a worker sends back), and the
tidy yearly table made of them.

A worker process encodes its rows as numbers: the years, the values, and the group,
category and metric as codes into the block's own list of names. Sending arrays instead
of a list of row tuples is what makes many replications cheap to collect; the table built
from blocks is the one built from the rows, value for value and dtype for dtype.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

YEARLY_COLUMNS = ["replication", "year", "group", "category", "metric", "value"]


@dataclass
class Block:
    """One replication's yearly rows, in the order the model wrote them."""

    replication: int
    names: tuple[str, ...]  # the group, category and metric names the codes point at
    years: np.ndarray  # int64
    codes: np.ndarray  # int32, shape (rows, 3): group, category, metric
    values: np.ndarray  # float64
    records: list[dict[str, Any]]  # household records (empty unless tracked)

    def __len__(self) -> int:
        return len(self.values)


def encode(replication: int, rows: Sequence[Any], records: list[dict[str, Any]]) -> Block:
    """The block of ``rows`` (objects with year, group, category, metric and value)."""
    index: dict[str, int] = {}
    count = len(rows)
    years = np.empty(count, dtype=np.int64)
    codes = np.empty((count, 3), dtype=np.int32)
    values = np.empty(count, dtype=np.float64)
    for i, row in enumerate(rows):
        years[i] = row.year
        codes[i, 0] = index.setdefault(row.group, len(index))
        codes[i, 1] = index.setdefault(row.category, len(index))
        codes[i, 2] = index.setdefault(row.metric, len(index))
        values[i] = row.value
    return Block(replication, tuple(index), years, codes, values, records)


def yearly_table(blocks: Iterable[Block]) -> pd.DataFrame:
    """The tidy yearly table (``YEARLY_COLUMNS``) of ``blocks``, in their order."""
    blocks = list(blocks)
    if not blocks:
        return pd.DataFrame(
            {
                "replication": np.empty(0, dtype=np.int64),
                "year": np.empty(0, dtype=np.int64),
                "group": pd.Series([], dtype=object).astype(str),
                "category": pd.Series([], dtype=object).astype(str),
                "metric": pd.Series([], dtype=object).astype(str),
                "value": np.empty(0, dtype=np.float64),
            }
        )
    replications = np.concatenate([np.full(len(b), b.replication, dtype=np.int64) for b in blocks])
    names = [np.concatenate([_names(b)[b.codes[:, k]] for b in blocks]) for k in range(3)]
    return pd.DataFrame(
        {
            "replication": replications,
            "year": np.concatenate([b.years for b in blocks]),
            "group": names[0],
            "category": names[1],
            "metric": names[2],
            "value": np.concatenate([b.values for b in blocks]),
        },
        columns=YEARLY_COLUMNS,
    )


def _names(block: Block) -> np.ndarray:
    array = np.empty(len(block.names), dtype=object)
    array[:] = block.names
    return array
