"""Many replications without holding their rows: blocks of arrays from the workers make
the same yearly table as the model's rows, and a run streamed to its files (yearly.parquet,
yearly.csv, the summary) gives exactly what the whole table in memory gives."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from helpers import DATA, invoke

import sim.analysis.stream as stream_module
from sim.analysis.stream import YearlyStream
from sim.analysis.tables import summarise
from sim.config.loader import load_scenario
from sim.model.housing import run_replication
from sim.runner.blocks import YEARLY_COLUMNS, Block, encode, yearly_table
from sim.runner.replications import run_scenario

TINY = DATA / "tiny.yaml"
ROOT = DATA.parent.parent


@pytest.mark.parametrize(
    ("file", "replications"),
    [(TINY, (0, 1, 5)), (ROOT / "scenarios" / "lorenskog-calibrated.yaml", (0, 3))],
)
def test_blocks_make_the_table_of_the_models_rows(file: Path, replications) -> None:
    scenario = load_scenario(file)
    rows, blocks = [], []
    for replication in replications:
        made, records = run_replication(scenario, replication)
        rows += [(replication, r.year, r.group, r.category, r.metric, r.value) for r in made]
        blocks.append(encode(replication, made, records))
    expected = pd.DataFrame(rows, columns=YEARLY_COLUMNS)
    pd.testing.assert_frame_equal(yearly_table(blocks), expected, check_exact=True)


def test_the_arrow_table_is_the_one_pandas_makes_of_the_table() -> None:
    """What the stream appends to yearly.parquet, made from the codes, equals the Arrow
    table of the yearly table (types, pandas metadata, a missing value as null), also
    when the blocks name different things."""
    scenario = load_scenario(TINY)
    blocks = [encode(r, *run_replication(scenario, r)) for r in range(3)]
    blocks.append(
        Block(
            9,
            ("a", "", "m", "b"),
            np.array([2020, 2021]),
            np.array([[3, 1, 2], [0, 1, 2]], dtype=np.int32),
            np.array([np.nan, 2.5]),
            [],
        )
    )
    expected = pa.Table.from_pandas(yearly_table(blocks), preserve_index=False)
    made = stream_module.arrow_table(blocks)
    assert made.equals(expected, check_metadata=True)
    assert made["value"].null_count == expected["value"].null_count > 0


def _streamed(tmp_path: Path, replications: int, **options) -> tuple[YearlyStream, pd.DataFrame]:
    scenario = load_scenario(TINY)
    memory = run_scenario(scenario, replications).yearly
    stream = YearlyStream(tmp_path / "run", replications, **options)
    results = run_scenario(scenario, replications, sink=stream.add)
    stream.close()
    assert results.yearly.empty and results.streamed == len(memory)
    return stream, memory


def test_a_streamed_run_writes_and_summarises_what_the_whole_table_gives(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(stream_module, "CHUNK_REPLICATIONS", 3)  # several row groups
    monkeypatch.setattr(stream_module, "SUMMARY_ROWS", 500)  # the summary in many slices
    stream, memory = _streamed(tmp_path, 11, csv_limit=None)
    with stream:
        folder = tmp_path / "into"
        folder.mkdir()
        stream.move_into(folder)
        pd.testing.assert_frame_equal(
            pd.read_parquet(folder / "yearly.parquet"), memory, check_exact=True
        )
        assert (folder / "yearly.csv").read_text() == memory.to_csv(index=False)
        pd.testing.assert_frame_equal(stream.summary(), summarise(memory), check_exact=True)
        assert stream.rows == len(memory)
    assert not stream.folder.exists()  # the private folder is gone


def test_the_csv_is_dropped_past_its_limit_and_nothing_kept_without_keep(tmp_path) -> None:
    with _streamed(tmp_path / "a", 4, csv_limit=100)[0] as stream:
        assert not stream.csv_kept and not (stream.folder / "yearly.csv").exists()
        assert (stream.folder / "yearly.parquet").exists()
    stream, memory = _streamed(tmp_path / "b", 4, csv_limit=None, keep=False)
    with stream:
        assert list(stream.folder.iterdir()) == []
        pd.testing.assert_frame_equal(stream.summary(), summarise(memory), check_exact=True)


def _block(replication: int, keys: list[tuple[int, str]], values: list[float]) -> Block:
    names = tuple(dict.fromkeys(["", *(m for _, m in keys)]))
    codes = np.array([[0, 0, names.index(m)] for _, m in keys], dtype=np.int32)
    years = np.array([y for y, _ in keys], dtype=np.int64)
    return Block(replication, names, years, codes, np.array(values, dtype=float), [])


@pytest.mark.parametrize(("limit", "kept"), [(12, True), (11, False)])
def test_a_csv_stopped_early_is_written_whole_if_the_run_ends_short_enough(
    tmp_path: Path, monkeypatch, limit: int, kept: bool
) -> None:
    """The first replication has 6 rows, the four after it 1 or 2: after the first, the
    run looks like 30 rows, past the limit, so yearly.csv stops being written as it goes;
    it has 12 in the end, so with a limit of 12 the file is written from yearly.parquet,
    byte for byte the file written as it goes; with 11 there is none."""
    monkeypatch.setattr(stream_module, "CHUNK_REPLICATIONS", 1)
    keys = [(2020 + i, "m") for i in range(6)]
    blocks = [_block(0, keys, [0.5, np.nan, 2.0, 3.0, 4.0, 5.0])]
    blocks += [_block(r, keys[: 1 + r % 2], [r, r + 0.25][: 1 + r % 2]) for r in range(1, 5)]
    assert sum(len(b) for b in blocks) == 12
    texts = {}
    for name, csv_limit in (("streamed", None), ("limited", limit)):
        with YearlyStream(tmp_path / name, 5, csv_limit) as stream:
            for b in blocks:
                stream.add(b)
                if name == "limited":
                    assert not (stream.folder / "yearly.csv").exists()  # stopped at once
            stream.close()
            assert stream.csv_kept == (kept or name == "streamed")
            path = stream.folder / "yearly.csv"
            texts[name] = path.read_bytes() if path.exists() else None
    assert texts["streamed"] is not None
    assert texts["limited"] == (texts["streamed"] if kept else None)


def test_keys_that_come_and_go_between_replications(tmp_path) -> None:
    block = _block
    blocks = [
        block(0, [(2020, "a"), (2020, "b")], [1.0, 2.0]),
        block(1, [(2020, "b"), (2021, "c")], [3.0, np.nan]),
        block(2, [(2020, "a"), (2020, "b"), (2021, "c")], [5.0, 6.0, 7.0]),
    ]
    with YearlyStream(tmp_path / "run", 3, None) as stream:
        for b in blocks:
            stream.add(b)
        stream.close()
        expected = summarise(yearly_table(blocks))
        pd.testing.assert_frame_equal(stream.summary(), expected, check_exact=True)
        assert list(expected.n) == [2, 3, 1]


def test_sim_run_without_the_rows(tmp_path) -> None:
    out = tmp_path / "run"
    result = invoke("run", TINY, "-r", "3", "-q", "--out", out, "--no-keep-yearly")
    assert result.exit_code == 0, result.output
    assert not (out / "yearly.parquet").exists() and not (out / "yearly.csv").exists()
    assert (out / "summary.csv").exists() and (out / "figures").is_dir()
    extra = json.loads((out / "manifest.json").read_text())["extra"]
    assert extra["yearly_parquet"] is False and extra["yearly_csv"] is False
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # nothing left
