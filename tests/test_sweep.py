"""Tests for `govmodel.simulation._sweep`: runs on any executor give the same rows."""

import csv
import io
import json
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pytest

from govmodel import Structure, examples
from govmodel.simulation import (
    ROW_FIELDS,
    Run,
    Scenario,
    rows_to_frame,
    sweep,
    variants,
    write_csv,
    write_jsonl,
)
from govmodel.simulation import _sweep as sweep_module


def runs() -> list[Run]:
    s = examples.load("zhuanqiao")
    found = variants(s)
    scenario = Scenario(days=40)
    return [
        Run(structure=found[name], scenario=scenario, label=name)
        for name in ("baseline", "no_cross_appointments", "grid_levels_merged")
        for _ in range(2)
    ]


@pytest.fixture(scope="module")
def serial_rows() -> list[dict[str, object]]:
    return list(sweep(runs(), seed=9))


class TestRows:
    def test_one_row_per_run_in_order(self, serial_rows: list[dict[str, object]]) -> None:
        """Rows come back in run order, each with every column."""
        assert [r["label"] for r in serial_rows] == [r.label for r in runs()]
        assert all(list(r) == list(ROW_FIELDS) for r in serial_rows)

    def test_seeds_recorded_and_distinct(self, serial_rows: list[dict[str, object]]) -> None:
        """Each run's spawned seed is recorded, and no two runs share one."""
        keys = [r["spawn_key"] for r in serial_rows]
        assert len(set(keys)) == len(keys)
        assert all(str(k).startswith("9:") for k in keys)

    def test_explicit_seed(self) -> None:
        """A run with its own seed uses it, whatever its place in the sweep."""
        s = examples.load("xinhe")
        run = Run(structure=s, scenario=Scenario(days=20), seed=77)
        alone = next(sweep([run]))
        later = list(sweep([Run(structure=s, scenario=Scenario(days=20)), run]))[1]
        assert alone == later
        assert alone["spawn_key"] == "77"

    def test_same_rows_threaded(self, serial_rows: list[dict[str, object]]) -> None:
        """A thread pool gives the same rows as a serial sweep."""
        with ThreadPoolExecutor(3) as pool:
            assert list(sweep(runs(), seed=9, executor=pool, window=2)) == serial_rows

    def test_same_rows_in_processes(self, serial_rows: list[dict[str, object]]) -> None:
        """A ProcessPoolExecutor with 2 workers gives the same rows."""
        with ProcessPoolExecutor(2) as pool:
            assert list(sweep(runs(), seed=9, executor=pool)) == serial_rows

    @pytest.mark.filterwarnings("ignore::DeprecationWarning")
    @pytest.mark.filterwarnings("ignore::ResourceWarning")
    @pytest.mark.filterwarnings("ignore::UserWarning")
    def test_same_rows_on_dask(self, serial_rows: list[dict[str, object]]) -> None:
        """A real distributed.LocalCluster gives the same rows."""
        distributed = pytest.importorskip("distributed")
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            executor = client.get_executor()
            assert list(sweep(runs(), seed=9, executor=executor)) == serial_rows

    def test_executor_left_open(self) -> None:
        """sweep never shuts down an executor it did not create."""
        with ThreadPoolExecutor(1) as pool:
            list(sweep(runs()[:1], executor=pool))
            assert pool.submit(lambda: 42).result() == 42

    def test_streams_within_window(self) -> None:
        """At most `window` runs are taken before the first row comes out."""
        taken = 0

        def lazy() -> Iterator[Run]:
            nonlocal taken
            for run in runs():
                taken += 1
                yield run

        with ThreadPoolExecutor(2) as pool:
            rows = sweep(lazy(), executor=pool, window=2)
            next(rows)
            assert taken <= 3
            assert len(list(rows)) == 5

    def test_not_a_run(self) -> None:
        """Anything but a Run is a TypeError naming what it found."""
        with pytest.raises(TypeError, match="expected Run objects, found str"):
            list(sweep(["xinhe"]))  # type: ignore[list-item]


class TestWriters:
    def test_jsonl(self, serial_rows: list[dict[str, object]]) -> None:
        """JSON Lines keep every value."""
        buffer = io.StringIO()
        assert write_jsonl(serial_rows, buffer) == len(serial_rows)
        back = [json.loads(line) for line in buffer.getvalue().splitlines()]
        assert back == serial_rows

    def test_csv(self, serial_rows: list[dict[str, object]]) -> None:
        """CSV has the row columns as header, one line per row."""
        buffer = io.StringIO()
        write_csv(serial_rows, buffer)
        table = list(csv.DictReader(io.StringIO(buffer.getvalue())))
        assert list(table[0]) == list(ROW_FIELDS)
        assert [r["label"] for r in table] == [r["label"] for r in serial_rows]

    def test_frame(self, serial_rows: list[dict[str, object]]) -> None:
        """With pandas, rows become a DataFrame with the row columns."""
        frame = rows_to_frame(serial_rows)
        assert list(frame.columns) == list(ROW_FIELDS)
        assert len(frame) == len(serial_rows)


class TestShipping:
    def test_each_structure_packed_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Runs sent to workers carry each structure pickled once, not once per run."""
        packed: list[str] = []
        original = sweep_module._Packed.of

        def counting(structure: Structure) -> Any:
            packed.append(structure.name)
            return original(structure)

        monkeypatch.setattr(sweep_module._Packed, "of", staticmethod(counting))
        two = [*runs()[:2], Run(structure=examples.load("xinhe"), scenario=Scenario(days=10))]
        with ThreadPoolExecutor(2) as pool:
            rows = list(sweep(two * 3, seed=4, executor=pool))
        assert sorted(packed) == sorted({s.name for s in (r.structure for r in two)})
        assert rows == list(sweep(two * 3, seed=4))

    def test_worker_keeps_what_it_unpacked(self) -> None:
        """A worker unpickles a structure once and keeps the last few."""
        first = sweep_module._Packed.of(examples.load("xinhe"))
        kept = sweep_module._unpack(first)
        assert kept == examples.load("xinhe")
        assert sweep_module._unpack(first) is kept
        for name in ("lianhua", "zhuanqiao", "chengxi", "shagangwan"):
            sweep_module._unpack(sweep_module._Packed.of(examples.load(name)))
        assert first.digest not in sweep_module._UNPACKED
        assert len(sweep_module._UNPACKED) == sweep_module._KEEP_UNPACKED
