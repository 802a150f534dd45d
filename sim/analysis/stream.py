"""The yearly rows of a long run, kept out of memory: each replication's block is appended
to ``yearly.parquet`` (and ``yearly.csv`` while a spreadsheet would open it) as it
arrives, and its values go into a matrix of key × replication from which the summary is
made. Memory grows with the number of keys times replications (8 bytes a value: 7,800
keys × 10,000 replications of Asker is 0.6 GB), not with the table's rows and strings.

The files are written in a private folder beside the result folder and moved into it
when the result folder is written (:func:`sim.analysis.output.write_results`); the summary
is the one :func:`sim.analysis.tables.summarise` makes of the whole table, value for
value, because it is made by that function, a slice of keys at a time, with each key's
values in replication order as in the whole table.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path
from types import TracebackType

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.analysis.hidden import ROWS, hidden_folder
from sim.analysis.replace import writing
from sim.analysis.statistics import floor_at_zero
from sim.analysis.tables import KEYS, summarise_by, summary_columns
from sim.runner.blocks import Block, yearly_table

CHUNK_REPLICATIONS = 50
"""Replications gathered before they are appended to the files (a Parquet row group)."""

SUMMARY_ROWS = 1_000_000
"""Rows of the long table a slice of keys is summarised from (bounds its memory)."""


@cache
def _yearly_schema() -> pa.Schema:
    """The Arrow schema pandas gives the yearly table (types and pandas metadata)."""
    return pa.Table.from_pandas(yearly_table([]), preserve_index=False).schema


def arrow_table(blocks: list[Block]) -> pa.Table:
    """``pa.Table.from_pandas(yearly_table(blocks), preserve_index=False)``, the same
    columns, types and metadata, made from the blocks' codes without a Python string
    per row."""
    schema = _yearly_schema()
    columns: list[pa.Array] = [
        pa.array(np.concatenate([np.full(len(b), b.replication, dtype=np.int64) for b in blocks])),
        pa.array(np.concatenate([b.years for b in blocks])),
    ]
    # every block's names one after another; a block's codes, shifted by where its names
    # start, point into them: one ``take`` a column for all the blocks
    names = [name for b in blocks for name in b.names]
    starts = np.cumsum([0] + [len(b.names) for b in blocks[:-1]])
    for k, field in enumerate(schema.names[2:5]):
        codes = np.concatenate(
            [b.codes[:, k] + start for b, start in zip(blocks, starts, strict=True)]
        )
        columns.append(pa.array(names, type=schema.field(field).type).take(pa.array(codes)))
    values = np.concatenate([b.values for b in blocks])
    columns.append(pa.array(values, from_pandas=True))  # NaN as null, as from_pandas
    return pa.Table.from_arrays(columns, schema=schema)


class YearlyStream:
    """``with YearlyStream(beside, replications, csv_limit) as stream: stream.add(block)``

    ``beside``: the result folder to be (the private folder is made in its parent);
    ``csv_limit``: rows up to which ``yearly.csv`` is kept (``None``: always; ``0``: never);
    ``keep``: whether the per-replication rows are written at all; ``draws``: replications
    that share a draw of a posterior (``None``: none; the summary then has no
    ``parameter_share``).
    """

    def __init__(
        self,
        beside: Path,
        replications: int,
        csv_limit: int | None,
        keep: bool = True,
        draws: int | None = None,
    ) -> None:
        self.beside = beside
        with writing(beside):  # a full disk ...: an input error naming the result folder
            beside.parent.mkdir(parents=True, exist_ok=True)
            self.folder = hidden_folder(beside, ROWS)  # a later run removes it if we are killed
        self.replications = replications
        self.csv_limit = csv_limit if keep else 0
        self.keep = keep
        self.rows = 0
        self._pending: list[Block] = []
        self._writer: pq.ParquetWriter | None = None
        self._csv = self.csv_limit != 0
        self._appending = True  # yearly.csv is written as the blocks come
        self._keys: dict[tuple[int, str, str, str], int] = {}
        self._last: tuple[tuple[str, ...], bytes, bytes, np.ndarray] | None = None
        self._matrix = np.full((0, replications), np.nan)
        self._column = 0
        self._summary: pd.DataFrame | None = None
        self.draws = draws

    # -- receiving
    def add(self, block: Block) -> None:
        """Take the next replication's block (in replication order)."""
        rows = self._rows_of(block)
        if rows.max(initial=-1) >= self._matrix.shape[0]:
            grown = np.full((len(self._keys), self.replications), np.nan)
            grown[: self._matrix.shape[0]] = self._matrix
            self._matrix = grown
        self._matrix[rows, self._column] = block.values
        self._column += 1
        self.rows += len(block)
        if self.keep:
            self._pending.append(block)
            if len(self._pending) >= CHUNK_REPLICATIONS:
                self._flush()

    def _rows_of(self, block: Block) -> np.ndarray:
        """The matrix row of each of the block's rows (the previous block's answer when
        its keys are the same, as they are from one replication to the next)."""
        last = self._last
        years, codes = block.years.tobytes(), block.codes.tobytes()
        if last is not None and last[0] == block.names and last[1] == years and last[2] == codes:
            return last[3]
        names = block.names
        rows = np.empty(len(block), dtype=np.int64)
        pairs = zip(block.years.tolist(), block.codes.tolist(), strict=True)
        for i, (year, (g, c, m)) in enumerate(pairs):
            key = (year, names[g], names[c], names[m])
            rows[i] = self._keys.setdefault(key, len(self._keys))
        if len(np.unique(rows)) != len(rows):
            raise ValueError(f"replication {block.replication} has a key twice")
        self._last = (names, years, codes, rows)
        return rows

    def _flush(self) -> None:
        with writing(self.beside):
            self._write_pending()

    def _write_pending(self) -> None:
        if not self._pending:
            return
        blocks, self._pending = self._pending, []
        arrow = arrow_table(blocks)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.folder / "yearly.parquet", arrow.schema)
        self._writer.write_table(arrow)
        if self._csv and self._appending:
            path = self.folder / "yearly.csv"
            remaining = self.replications - self._column
            if self.csv_limit is not None and (
                self.rows + len(blocks[-1]) * remaining > self.csv_limit
            ):
                # too long for a spreadsheet if the coming replications are as long as
                # this one: stop writing (close() writes it from yearly.parquet if the
                # run ends short enough after all)
                self._appending = False
                path.unlink(missing_ok=True)
            else:
                yearly_table(blocks).to_csv(path, mode="a", header=not path.exists(), index=False)

    def close(self) -> None:
        """Finish the files (call once every block is in)."""
        if not self.keep:
            return
        self._flush()
        with writing(self.beside):
            if self._writer is None:  # no replication: an empty table, as a run writes
                yearly_table([]).to_parquet(self.folder / "yearly.parquet", index=False)
            else:
                self._writer.close()
                self._writer = None
            if self.csv_kept and not self._appending:
                table = pd.read_parquet(self.folder / "yearly.parquet")
                table.to_csv(self.folder / "yearly.csv", index=False)

    # -- giving
    @property
    def csv_kept(self) -> bool:
        return self._csv and (self.csv_limit is None or self.rows <= self.csv_limit)

    def move_into(self, folder: Path) -> None:
        """Move ``yearly.parquet`` (and ``yearly.csv`` if kept) into ``folder``."""
        if self.keep:
            os.replace(self.folder / "yearly.parquet", folder / "yearly.parquet")
            if self.csv_kept:
                os.replace(self.folder / "yearly.csv", folder / "yearly.csv")

    def summary(self, confidence: float = 0.95) -> pd.DataFrame:
        """:func:`~sim.analysis.tables.summarise` of every row received.

        Grouped by one number per key (its place in the sorted keys) instead of the four
        key columns: the same groups in the same order with the same values in
        replication order, so the same figures, without sorting millions of strings."""
        if self._summary is not None:
            return self._summary
        order = sorted(self._keys)
        columns = summary_columns(self.draws)
        if not order:
            return pd.DataFrame(columns=columns)
        rows = np.array([self._keys[k] for k in order], dtype=np.int64)
        matrix = self._matrix[:, : self._column]
        step = max(1, SUMMARY_ROWS // max(1, self._column))
        parts = []
        for start in range(0, len(order), step):
            values = matrix[rows[start : start + step]]  # keys × replications
            long = pd.DataFrame(
                {
                    "key": np.tile(np.arange(start, start + len(values)), values.shape[1]),
                    "value": values.T.reshape(-1),  # replication by replication
                    "replication": np.repeat(np.arange(values.shape[1]), len(values)),
                }
            )
            parts.append(summarise_by(long, ["key"], confidence, self.draws))
        table = pd.concat(parts)
        keys = [order[i] for i in table.index]
        table.index = pd.RangeIndex(len(table))
        for i, name in enumerate(KEYS):
            column = np.empty(len(keys), dtype=object)
            column[:] = [key[i] for key in keys]
            table[name] = column
        table["year"] = table["year"].astype(np.int64)
        table["ci_low"] = floor_at_zero(table["ci_low"].to_numpy(dtype=float), table["metric"])
        self._summary = table[columns]
        return self._summary

    # -- lifetime
    def discard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> YearlyStream:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.discard()
