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
    code = index.setdefault
    count = len(rows)
    # codes in the order the names first appear: group, category, metric, row by row
    flat = [
        c
        for row in rows
        for c in (
            code(row.group, len(index)),
            code(row.category, len(index)),
            code(row.metric, len(index)),
        )
    ]
    return Block(
        replication,
        tuple(index),
        np.fromiter([row.year for row in rows], dtype=np.int64, count=count),
        np.array(flat, dtype=np.int32).reshape(count, 3),
        np.fromiter([row.value for row in rows], dtype=np.float64, count=count),
        records,
    )


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
