"""Tests for `govmodel.simulation.experiment`: experiment files, provenance rows, resume."""

import contextlib
import csv
import datetime as dt
import io
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from govmodel import Category, GovModelError, Tier, Urgency, examples, loads_events
from govmodel.cases import log_header
from govmodel.cli import main
from govmodel.errors import MissingExtraError
from govmodel.simulation import (
    IDENTIFYING,
    REPORTERS,
    ROW_FIELDS,
    SERIES_FIELDS,
    Experiment,
    ExperimentError,
    Scenario,
    escalations_by_tier,
    load_experiment,
    open_backlog,
    provenance,
    read_rows,
    read_series,
    run_experiment,
    run_key,
    simulate,
)
from govmodel.simulation import experiment as experiment_module
from tests._experiment_reporters import FAIL_ON

ROOT = Path(__file__).resolve().parent.parent

SMALL: dict[str, Any] = {
    "structures": ["zhuanqiao"],
    "ablations": ["baseline", "grid_levels_merged"],
    "seeds": 3,
    "scenario": {"days": 15},
}


def _runs(process: Path, text: str) -> bool:
    """Whether the process of ``/proc/PID`` has ``text`` in its command line (and still lives)."""
    try:
        return text.encode() in (process / "cmdline").read_bytes()
    except OSError:
        return False


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def by_key(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: str(row["run_key"]))


class TestLoadExperiment:
    def test_counts_every_combination(self) -> None:
        """The runs are structures × ablation sets × grid points × samples × seeds."""
        e = load_experiment(
            {
                "structures": ["xinhe", "zhuanqiao"],
                "ablations": ["baseline", "no_mediation_room"],
                "seeds": 4,
                "grid": {"scenario": {"hotline": [0.3, 0.5, 0.7]}},
                "sample": {"n": 5, "scenario": {"satisfaction": [0.8, 0.99]}},
            }
        )
        assert e.count() == 2 * 2 * 3 * 5 * 4
        assert sum(1 for _ in e.runs()) == e.count()

    def test_nested_fields(self) -> None:
        """A nested value sets one key of a mapping field, keeping the others' defaults."""
        e = load_experiment(
            {
                "scenario": {"days": 10, "handling_hours": {"street": 60}},
                "grid": {"scenario": {"category_hours": {"noise": [1.0, 3.0]}}},
            }
        )
        runs = list(e.runs())
        assert [r.scenario.handling_hours[Tier.STREET] for r in runs] == [60, 60]
        assert (
            runs[0].scenario.handling_hours[Tier.MICRO_GRID]
            == Scenario().handling_hours[Tier.MICRO_GRID]
        )
        assert [r.scenario.category_hours[Category.NOISE] for r in runs] == [1.0, 3.0]
        assert runs[1].head()["scenario.category_hours.noise"] == 3.0

    def test_grid_of_lists_and_tables(self) -> None:
        """Grid values may be lists or tables; their columns hold canonical JSON."""
        e = load_experiment(
            {
                "grid": {
                    "scenario": {
                        "off": [[], ["latent", "ballots"]],
                        "handling_hours": [{"street": 30}, {"street": 40}],
                    }
                }
            }
        )
        runs = list(e.runs())
        assert [sorted(r.scenario.off) for r in runs[::2]] == [[], ["ballots", "latent"]]
        assert [r.scenario.handling_hours[Tier.STREET] for r in runs[:2]] == [30, 40]
        assert runs[2].head()["scenario.off"] == '["latent","ballots"]'
        assert runs[1].head()["scenario.handling_hours"] == '{"street":40}'

    def test_grid_of_mixed_numbers_is_one_type(self) -> None:
        """A grid of ints and floats gives floats throughout, so a column keeps one type."""
        e = load_experiment({"grid": {"scenario": {"handling_hours": {"street": [24, 60.5]}}}})
        assert [r.head()["scenario.handling_hours.street"] for r in e.runs()] == [24.0, 60.5]

    def test_latin_hypercube(self) -> None:
        """Samples lie in their ranges, whole numbers stay whole, one per stratum."""
        e = load_experiment(
            {
                "sample": {
                    "n": 10,
                    "seed": 4,
                    "scenario": {"capacity": [1, 10], "hotline": [0.2, 0.7]},
                }
            }
        )
        heads = [r.head() for r in e.runs()]
        capacities = [h["scenario.capacity"] for h in heads]
        hotlines = [h["scenario.hotline"] for h in heads]
        assert all(type(c) is int and 1 <= c <= 10 for c in capacities)
        assert sorted(capacities) == list(range(1, 11))
        assert sorted(int((h - 0.2) / 0.05) for h in hotlines) == list(range(10))
        again = [
            r.head()["scenario.hotline"]
            for r in load_experiment(
                {
                    "sample": {
                        "n": 10,
                        "seed": 4,
                        "scenario": {"capacity": [1, 10], "hotline": [0.2, 0.7]},
                    }
                }
            ).runs()
        ]
        assert again == hotlines

    def test_structures_of_every_kind(self, tmp_path: Path) -> None:
        """Examples by name, spec files beside the file, presets with their seed."""
        from govmodel import dump

        dump(examples.load("lianhua"), tmp_path / "mine.toml")
        path = write(
            tmp_path / "e.toml",
            {
                "structures": [
                    "xinhe",
                    "mine.toml",
                    {"spec": "mine.toml", "label": "again"},
                    {"preset": "district", "seed": 3},
                ],
            },
        )
        e = load_experiment(path)
        labels = [label for label, _ in e.variants]
        assert labels == ["xinhe", "mine", "again", "district-3"]
        structures = [sets[0][1] for _, sets in e.variants]
        assert structures[1] == examples.load("lianhua")
        assert structures[3].name == "Synthetic district (seed 3)"
        heads = [r.head() for r in e.runs()]
        assert heads[1]["structure_sha256"] == heads[2]["structure_sha256"]

    def test_ablation_sets(self) -> None:
        """Single names, lists and +-joined names name sets; combine = k gives variants()."""
        e = load_experiment(
            {
                "structures": ["xinhe"],
                "ablations": [
                    "baseline",
                    ["no_mediation_room", "no_owners_committee"],
                    "no_standing_meeting+no_owners_committee",
                ],
            }
        )
        names = [name for name, *_ in e.variants[0][1]]
        assert names == [
            "baseline",
            "no_owners_committee+no_mediation_room",
            "no_owners_committee+no_standing_meeting",
        ]
        from govmodel.simulation import variants

        combined = load_experiment({"structures": ["xinhe"], "ablations": {"combine": 2}})
        assert [n for n, *_ in combined.variants[0][1]] == list(
            variants(examples.load("xinhe"), combine=2)
        )

    def test_policy_values(self, tmp_path: Path) -> None:
        """A policy file or table, and grids over its keys, make each run's policy and hash."""
        (tmp_path / "policy.toml").write_text("recurrence_threshold = 3\n", encoding="utf-8")
        path = write(
            tmp_path / "e.toml",
            {
                "policy": "policy.toml",
                "grid": {"policy": {"time_limits_hours": {"street": {"routine": [48, 96]}}}},
            },
        )
        runs = list(load_experiment(path).runs())
        assert [r.policy.recurrence_threshold for r in runs] == [3, 3]
        limits = [r.policy.time_limits[Tier.STREET][Urgency.ROUTINE] for r in runs]
        assert [limit.amount for limit in limits] == [48, 96]
        assert runs[0].policy_sha256 != runs[1].policy_sha256
        assert "policy.time_limits_hours.street.routine" in runs[0].head()

    def test_policy_table_columns(self) -> None:
        """A [policy] table's values are columns, and the same value twice is refused."""
        e = load_experiment({"policy": {"recurrence_threshold": 3}})
        (run,) = e.runs()
        assert run.policy.recurrence_threshold == 3
        assert run.head()["policy.recurrence_threshold"] == 3
        with pytest.raises(ExperimentError, match=r"policy\.recurrence_threshold: set more"):
            load_experiment(
                {
                    "policy": {"recurrence_threshold": 3},
                    "grid": {"policy": {"recurrence_threshold": [2, 4]}},
                }
            )

    def test_seeds_are_streamed(self) -> None:
        """seeds = 100000000 starts at once: the runs come one by one, never listed."""
        e = load_experiment({"structures": ["zhuanqiao"], "seeds": 100_000_000})
        started = time.perf_counter()
        first = list(itertools.islice(e.runs(), 5))
        assert time.perf_counter() - started < 5
        assert [r.spawn_key for r in first] == [(k,) for k in range(5)]
        assert e.count() == 100_000_000

    def test_seed_list(self) -> None:
        """Listed seeds are used as given, as Run(seed=...) uses them."""
        e = load_experiment({"seeds": [7, 3]})
        assert [(r.seed_entropy, r.spawn_key, r.head()["spawn_key"]) for r in e.runs()] == [
            (7, (), "7"),
            (3, (), "3"),
        ]

    @pytest.mark.parametrize(
        ("data", "location"),
        [
            ({"seeds": 0}, "seeds"),
            ({"seeds": [1, 1]}, "seeds"),
            ({"colour": 1}, "colour"),
            ({"structures": ["nowhere.toml"]}, "structures[0].spec"),
            ({"structures": [{"preset": "town"}]}, "structures[0].preset"),
            ({"ablations": ["no_owners"]}, "ablations[0]"),
            ({"ablations": {"combine": 9}}, "ablations.combine"),
            ({"scenario": {"dayz": 3}}, "scenario.dayz"),
            ({"scenario": {"days": 3.5}}, "scenario"),
            ({"grid": {"scenario": {"hotline": 0.5}}}, "grid.scenario.hotline"),
            ({"grid": {"scenario": {"hotline": [0.5, 2]}}}, "grid.scenario.hotline[1]"),
            (
                {"grid": {"scenario": {"handling_hours": {"strett": [1]}}}},
                "grid.scenario.handling_hours.strett[0]",
            ),
            ({"sample": {"n": 3, "scenario": {"hotline": [0.5, 0.1]}}}, "sample.scenario.hotline"),
            ({"sample": {"scenario": {"hotline": [0.1, 0.5]}}}, "sample.n"),
            ({"policy": {"colour": 1}}, "policy"),
            ({"reporters": ["nowhere:thing"]}, "reporters[0]"),
            ({"format": "xlsx"}, "format"),
            ({"series": "daily"}, "series"),
            ({"baseline": "no_mediation_room"}, "baseline"),
            (
                {"scenario": {"hotline": 0.5}, "grid": {"scenario": {"hotline": [0.1]}}},
                "scenario.hotline",
            ),
        ],
    )
    def test_problems_name_the_key(self, data: dict[str, Any], location: str) -> None:
        """Each bad value is an ExperimentError naming its key path and what was expected."""
        with pytest.raises(ExperimentError) as caught:
            load_experiment(data)
        assert f"{location}:" in str(caught.value)
        assert "expected" in str(caught.value) or "unknown" in str(caught.value)

    def test_every_problem_at_once(self, tmp_path: Path) -> None:
        """A file with several problems names each, and the file."""
        path = write(tmp_path / "bad.toml", {"seeds": -1, "format": 3, "colour": "red"})
        with pytest.raises(ExperimentError) as caught:
            load_experiment(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: 3 problems")
        assert all(key in message for key in ("seeds:", "format:", "colour:"))

    @given(
        st.dictionaries(
            st.sampled_from(
                [
                    "structures",
                    "ablations",
                    "seeds",
                    "seed",
                    "scenario",
                    "grid",
                    "sample",
                    "policy",
                    "reporters",
                    "format",
                    "series",
                    "baseline",
                    "name",
                    "extra",
                ]
            ),
            st.recursive(
                st.none().map(lambda _: "xinhe")
                | st.booleans()
                | st.integers(-(2**70), 2**70)
                | st.floats(allow_nan=True)
                | st.text(max_size=8)
                | st.sampled_from(
                    [
                        "xinhe",
                        "baseline",
                        "no_mediation_room",
                        "hotline",
                        "days",
                        "csv",
                        "monthly",
                        "street",
                        "handling_hours",
                        "open_backlog",
                        "a:b",
                    ]
                )
                | st.datetimes(min_value=dt.datetime(1, 1, 2)),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(
                        st.sampled_from(
                            [
                                "days",
                                "hotline",
                                "handling_hours",
                                "street",
                                "n",
                                "seed",
                                "scenario",
                                "policy",
                                "combine",
                                "spec",
                                "preset",
                                "example",
                                "label",
                                "x",
                            ]
                        ),
                        inner,
                        max_size=3,
                    )
                ),
                max_leaves=8,
            ),
            max_size=5,
        )
    )
    def test_fuzz_documents(self, data: dict[str, Any]) -> None:
        """Any TOML document loads or raises a GovModelError; never another exception."""
        try:
            text = tomli_w.dumps(data)
        except (TypeError, ValueError):
            return  # not writable as TOML (a None inside a list, say)
        path = Path(os.environ.get("TMPDIR", "/tmp")) / f"fuzz-{os.getpid()}.toml"
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(GovModelError):
            load_experiment(path)
        with contextlib.suppress(GovModelError):
            load_experiment(data)

    @given(st.binary(max_size=200))
    def test_fuzz_bytes(self, data: bytes) -> None:
        """Any bytes as a file load or raise a GovModelError."""
        path = Path(os.environ.get("TMPDIR", "/tmp")) / f"fuzz-bytes-{os.getpid()}.toml"
        path.write_bytes(data)
        with contextlib.suppress(GovModelError):
            load_experiment(path)

    def test_not_a_source(self) -> None:
        """Neither a path nor a mapping: an ExperimentError saying what was found."""
        with pytest.raises(ExperimentError, match="found int"):
            load_experiment(3)  # type: ignore[arg-type]


class TestRunKey:
    @given(
        st.dictionaries(
            st.sampled_from(
                ["scenario.hotline", "scenario.days", "policy.recurrence_threshold", "scenario.off"]
            ),
            st.integers(-(10**6), 10**6)
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.booleans()
            | st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=10),
            max_size=4,
        ),
        st.integers(0, 2**64),
        st.text(max_size=10),
    )
    def test_round_trip_through_csv(self, parameters: dict[str, Any], seed: int, tag: str) -> None:
        """A row written to CSV and read back keeps its run_key; changing a parameter changes it."""
        row: dict[str, Any] = {
            "structure": f"s{tag}",
            "structure_sha256": "ab",
            "ablation": "baseline",
            "policy_sha256": "cd",
            "seed_entropy": str(seed),
            "spawn_key": f"{seed}:1",
            **parameters,
            "cases": 3,
        }
        row["run_key"] = run_key(row)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=experiment_module._LINE_END)
        writer.writerow(list(row))
        writer.writerow([experiment_module._cell(v) for v in row.values()])
        (back,) = list(csv.DictReader(io.StringIO(buffer.getvalue(), newline="")))
        assert run_key(back) == row["run_key"]
        for name in IDENTIFYING:
            assert run_key({**row, name: str(row[name]) + "x"}) != row["run_key"]
        assert run_key({**row, "cases": 4}) == row["run_key"]

    def test_rows_of_a_run(self, tmp_path: Path) -> None:
        """Every row an experiment writes holds the run_key of its own identifying columns."""
        run_experiment(load_experiment(SMALL), tmp_path)
        rows = read_rows(tmp_path)
        assert [run_key(row) for row in rows] == [row["run_key"] for row in rows]
        assert len({row["run_key"] for row in rows}) == len(rows)

    def test_missing_column(self) -> None:
        """A row without an identifying column is refused with its name."""
        with pytest.raises(ExperimentError, match="spawn_key"):
            run_key({name: "x" for name in IDENTIFYING if name != "spawn_key"})


class TestRunExperiment:
    def test_rows_hold_provenance(self, tmp_path: Path) -> None:
        """A row holds its parameters, hashes, version and every sweep field."""
        e = load_experiment({**SMALL, "seeds": 1, "scenario": {"days": 15, "capacity": 1}})
        run_experiment(e, tmp_path)
        rows = read_rows(tmp_path)
        assert [row["ablation"] for row in rows] == ["baseline", "grid_levels_merged"]
        assert all(row["scenario.capacity"] == "1" for row in rows)
        assert rows[0]["structure_sha256"] != rows[1]["structure_sha256"]
        from govmodel import __version__

        assert {row["govmodel_version"] for row in rows} == {__version__}
        assert set(ROW_FIELDS) <= set(rows[0])
        description = json.loads((tmp_path / "experiment.json").read_text(encoding="utf-8"))
        assert description["runs"] == 2

    def test_same_as_simulate(self, tmp_path: Path) -> None:
        """A row's measures are those of simulate with the run's seed sequence."""
        run_experiment(load_experiment({**SMALL, "seeds": 2}), tmp_path)
        row = read_rows(tmp_path)[2]  # seed 1, baseline
        result = simulate(
            examples.load("zhuanqiao"),
            Scenario(days=15),
            seed=np.random.SeedSequence(0, spawn_key=(1,)),
        )
        assert row["spawn_key"] == "0:1"
        assert int(row["cases"]) == result.metrics.reported
        assert float(row["resolution_rate"]) == result.metrics.resolution_rate

    def test_same_rows_in_processes(self, tmp_path: Path) -> None:
        """Rows are identical serially and on a process pool of two workers."""
        e = load_experiment({**SMALL, "reporters": ["escalations_by_tier"], "series": "monthly"})
        run_experiment(e, tmp_path / "serial")
        with ProcessPoolExecutor(2) as pool:
            run_experiment(e, tmp_path / "pool", executor=pool)
        for name in ("rows.csv", "series.csv"):
            serial = (tmp_path / "serial" / name).read_text(encoding="utf-8")
            assert serial == (tmp_path / "pool" / name).read_text(encoding="utf-8")

    @pytest.mark.filterwarnings("ignore::DeprecationWarning")
    @pytest.mark.filterwarnings("ignore::ResourceWarning")
    @pytest.mark.filterwarnings("ignore::UserWarning")
    def test_same_rows_on_dask(self, tmp_path: Path) -> None:
        """A real distributed.LocalCluster writes the same rows as a serial run."""
        distributed = pytest.importorskip("distributed")
        e = load_experiment({**SMALL, "reporters": ["open_backlog"], "series": "monthly"})
        run_experiment(e, tmp_path / "serial")
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            run_experiment(e, tmp_path / "dask", executor=client.get_executor())
        for name in ("rows.csv", "series.csv"):
            serial = (tmp_path / "serial" / name).read_text(encoding="utf-8")
            assert serial == (tmp_path / "dask" / name).read_text(encoding="utf-8")

    def test_resume_after_a_failing_reporter(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An interrupt keeps every finished row; resuming gives exactly the uninterrupted rows."""
        data = {**SMALL, "reporters": ["tests._experiment_reporters:fragile"], "series": "monthly"}
        e = load_experiment(data)
        run_experiment(e, tmp_path / "whole")
        monkeypatch.setenv(FAIL_ON, "0.1")
        with pytest.raises(ExperimentError, match="interrupted on purpose"):
            run_experiment(e, tmp_path / "cut")
        assert len(read_rows(tmp_path / "cut")) == 2  # seed 0, both ablation sets
        monkeypatch.delenv(FAIL_ON)
        summary = run_experiment(e, tmp_path / "cut", resume=True)
        assert (summary.ran, summary.skipped) == (4, 2)
        # The interrupted run's order is kept: the rows are the same, in the same order.
        for name in ("rows.csv", "series.csv"):
            whole = (tmp_path / "whole" / name).read_text(encoding="utf-8")
            assert (tmp_path / "cut" / name).read_text(encoding="utf-8") == whole

    def test_cut_line_is_repaired(self, tmp_path: Path) -> None:
        """A row cut short by a kill is dropped on resume and its run made again."""
        e = load_experiment(SMALL)
        run_experiment(e, tmp_path / "whole")
        whole = (tmp_path / "whole" / "rows.csv").read_bytes()
        (tmp_path / "cut").mkdir()
        lines = whole.split(b"\r\n")
        cut = b"\r\n".join(lines[:3]) + b"\r\n" + lines[3][:40]
        (tmp_path / "cut" / "rows.csv").write_bytes(cut)
        run_experiment(e, tmp_path / "cut", resume=True)
        assert (tmp_path / "cut" / "rows.csv").read_bytes() == whole

    def test_refuses_rows_without_resume(self, tmp_path: Path) -> None:
        """An output holding rows is never appended to without resume."""
        e = load_experiment(SMALL)
        run_experiment(e, tmp_path)
        with pytest.raises(ExperimentError, match="holds 6 rows already"):
            run_experiment(e, tmp_path)

    def test_another_experiments_rows(self, tmp_path: Path) -> None:
        """Resuming into rows with other columns is refused, not mixed."""
        run_experiment(load_experiment(SMALL), tmp_path)
        other = load_experiment({**SMALL, "seeds": 4, "reporters": ["open_backlog"]})
        with pytest.raises(ExperimentError, match="another experiment"):
            run_experiment(other, tmp_path, resume=True)

    def test_reporter_contract(self, tmp_path: Path) -> None:
        """A reporter that returns no mapping is named in the error."""
        e = load_experiment({**SMALL, "reporters": ["tests._experiment_reporters:not_a_mapping"]})
        with pytest.raises(ExperimentError, match=r"reporters\[0\]: .*expected a mapping"):
            run_experiment(e, tmp_path)

    def test_series(self, tmp_path: Path) -> None:
        """The monthly series has three measures per month, keyed by the rows' run_key."""
        e = load_experiment({**SMALL, "seeds": 1, "scenario": {"days": 45}, "series": "monthly"})
        run_experiment(e, tmp_path)
        series = read_series(tmp_path)
        assert list(series[0]) == list(SERIES_FIELDS)
        keys = {row["run_key"] for row in read_rows(tmp_path)}
        assert {s["run_key"] for s in series} == keys
        assert sorted({s["period"] for s in series}) == ["2025-01", "2025-02"]
        assert len(series) == 2 * 2 * 3

    def test_parquet(self, tmp_path: Path) -> None:
        """Parquet rows equal the CSV rows, typed, and resume the same way."""
        pytest.importorskip("pyarrow")
        e = load_experiment({**SMALL, "format": "parquet", "series": "monthly"})
        monkeypatch = pytest.MonkeyPatch()
        monkeypatch.setattr(experiment_module._ParquetTable, "batch", 2)
        try:
            run_experiment(e, tmp_path / "pq")
            csv_e = load_experiment({**SMALL, "series": "monthly"})
            run_experiment(csv_e, tmp_path / "csv")
            typed, text = read_rows(tmp_path / "pq"), read_rows(tmp_path / "csv")
            assert len(list((tmp_path / "pq" / "rows.parquet").glob("part-*.parquet"))) == 3
            assert [
                {k: experiment_module._cell(v) for k, v in row.items()} for row in typed
            ] == text
            assert all(run_key(row) == row["run_key"] for row in typed)
            assert run_experiment(e, tmp_path / "pq", resume=True).skipped == 6
        finally:
            monkeypatch.undo()

    def test_parquet_journal_survives(self, tmp_path: Path) -> None:
        """Rows in the journal of an interrupted Parquet output count as written."""
        pytest.importorskip("pyarrow")
        e = load_experiment({**SMALL, "format": "parquet"})
        run_experiment(e, tmp_path)
        table = experiment_module._ParquetTable(tmp_path / "rows.parquet")
        rows = table.read()
        (part,) = table._parts()
        part.unlink()
        table.journal.write_text(
            "".join(json.dumps(row) + "\n" for row in rows[:4]) + '{"cut', encoding="utf-8"
        )
        summary = run_experiment(e, tmp_path, resume=True)
        assert (summary.skipped, summary.ran) == (4, 2)
        assert by_key(read_rows(tmp_path)) == by_key(rows)

    def test_parquet_needs_pyarrow(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without pyarrow, Parquet output names the parquet extra."""
        import builtins

        real = builtins.__import__

        def fake(name: str, *args: Any, **kwargs: Any) -> Any:
            if name.startswith("pyarrow"):
                raise ImportError(name)
            return real(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", fake)
        with pytest.raises(MissingExtraError, match=r"govmodel\[parquet\]"):
            run_experiment(load_experiment({**SMALL, "format": "parquet"}), tmp_path)


class TestExperimentRuns:
    def test_order(self) -> None:
        """Runs go seed by seed, then structure, ablation set and grid point."""
        e = load_experiment({**SMALL, "seeds": 2, "grid": {"scenario": {"hotline": [0.1, 0.2]}}})
        order = [(r.spawn_key, r.ablation, r.scenario.hotline) for r in e.runs()]
        assert order == [
            (seed, ablation, hotline)
            for seed in [(0,), (1,)]
            for ablation in ["baseline", "grid_levels_merged"]
            for hotline in [0.1, 0.2]
        ]

    def test_bad_combination(self) -> None:
        """Values each good alone but not together are named when their run is made."""
        early, late = dt.datetime(2025, 1, 1), dt.datetime(9990, 1, 1)
        e = load_experiment({"grid": {"scenario": {"days": [365, 36_500], "start": [early, late]}}})
        runs = e.runs()
        for _ in range(3):
            next(runs)
        with pytest.raises(ExperimentError, match=r"scenario.days = 36500, scenario.start = 9990"):
            next(runs)

    def test_is_an_experiment(self) -> None:
        """load_experiment returns an Experiment, frozen."""
        e = load_experiment(SMALL)
        assert isinstance(e, Experiment)
        with pytest.raises(AttributeError):
            e.seeds = 2  # type: ignore[misc]


@pytest.fixture(scope="module")
def result() -> Any:
    """A third of a year in Xinhe."""
    return simulate(examples.load("xinhe"), Scenario(days=120), seed=4)


class TestReporters:
    def test_escalations_by_tier(self, result: Any) -> None:
        """Escalations counted where they land never exceed the engine's escalations."""
        counts = escalations_by_tier(result)
        assert set(counts) == {
            "escalations_to_compound",
            "escalations_to_community",
            "escalations_to_whistle",
            "escalations_to_street",
        }
        assert 0 < sum(counts.values()) <= result.escalations

    def test_open_backlog(self, result: Any) -> None:
        """The backlog at the end is the cases still open; the peak is its largest month end."""
        backlog = open_backlog(result)
        assert backlog["backlog_end"] == result.outcome_counts["open"]
        assert backlog["backlog_mean"] <= backlog["backlog_peak"]

    def test_registry(self) -> None:
        """Every built-in reporter is registered under its own name."""
        assert {name: f.__name__ for name, f in REPORTERS.items()} == {
            "escalations_by_tier": "escalations_by_tier",
            "open_backlog": "open_backlog",
        }


class TestProvenance:
    def test_matches_the_experiment(self) -> None:
        """provenance() gives the run_key the experiment gives the same run."""
        p = provenance(examples.load("zhuanqiao"), label="zhuanqiao", seed=5, scenario={"days": 15})
        e = load_experiment({"structures": ["zhuanqiao"], "seeds": [5], "scenario": {"days": 15}})
        assert next(e.runs()).head()["run_key"] == p["run_key"]

    def test_simulate_log_header(self, tmp_path: Path) -> None:
        """govmodel simulate -o opens the log with the run's provenance; readers pass over it."""
        log = tmp_path / "log.jsonl"
        assert (
            main(
                ["simulate", "zhuanqiao", "--days", "15", "--seed", "5", "-o", str(log)],
                out=io.StringIO(),
            )
            == 0
        )
        text = log.read_text(encoding="utf-8")
        header = log_header(text)
        assert header is not None
        assert header["govmodel_log"] == 1
        e = load_experiment({"structures": ["zhuanqiao"], "seeds": [5], "scenario": {"days": 15}})
        assert header["run_key"] == next(e.runs()).head()["run_key"]
        assert len(loads_events(text)) == len(text.splitlines()) - 1
        assert main(["metrics", str(log)], out=io.StringIO()) == 0


class TestExperimentCommand:
    def test_serial_and_workers(self, tmp_path: Path) -> None:
        """govmodel experiment gives the same rows serially and with --workers 2."""
        path = write(tmp_path / "study.toml", SMALL)
        out = io.StringIO()
        assert main(["experiment", str(path), "-o", str(tmp_path / "a")], out=out) == 0
        assert "study: 6 runs in" in out.getvalue()
        assert (
            main(
                ["experiment", str(path), "-o", str(tmp_path / "b"), "--workers", "2"],
                out=io.StringIO(),
            )
            == 0
        )
        assert (tmp_path / "a" / "rows.csv").read_text(encoding="utf-8") == (
            tmp_path / "b" / "rows.csv"
        ).read_text(encoding="utf-8")

    def test_killed_and_resumed(self, tmp_path: Path) -> None:
        """A killed govmodel experiment, resumed, gives the rows of an uninterrupted one."""
        data = {**SMALL, "seeds": 40, "scenario": {"days": 60}}
        path = write(tmp_path / "study.toml", data)
        command = [sys.executable, "-m", "govmodel.cli", "experiment", str(path)]
        process = subprocess.Popen(
            [*command, "-o", str(tmp_path / "cut")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        rows = tmp_path / "cut" / "rows.csv"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            not rows.exists() or rows.read_bytes().count(b"\r\n") < 5
        ):
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        cut = read_rows(tmp_path / "cut")
        assert 4 <= len(cut) < 80, "the kill should fall mid-way"
        resumed = subprocess.run(
            [*command, "-o", str(tmp_path / "cut"), "--resume"],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert "already in the output" in resumed.stdout
        assert (
            main(["experiment", str(path), "-o", str(tmp_path / "whole")], out=io.StringIO()) == 0
        )
        # Rows before the kill come first, then the rest in run order: the same rows.
        assert read_rows(tmp_path / "cut") == read_rows(tmp_path / "whole")

    @pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
    def test_stopped_with_workers(self, tmp_path: Path, stop: signal.Signals) -> None:
        """SIGTERM or Ctrl-C stops the workers too: one error line, status 130, no traceback."""
        data = {**SMALL, "seeds": 40, "scenario": {"days": 60}}
        path = write(tmp_path / "study.toml", data)
        command = [sys.executable, "-m", "govmodel.cli", "experiment", str(path)]
        process = subprocess.Popen(
            [*command, "-o", str(tmp_path / "cut"), "--workers", "2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        rows = tmp_path / "cut" / "rows.csv"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            not rows.exists() or rows.read_bytes().count(b"\r\n") < 5
        ):
            time.sleep(0.05)
        process.send_signal(stop)
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 130, stdout + stderr
        assert stdout.startswith("govmodel: error: interrupted; the finished rows are kept")
        assert "Traceback" not in stderr
        # The workers went with it: no process of this command is left.
        assert not [p for p in Path("/proc").glob("[0-9]*") if _runs(p, str(tmp_path / "cut"))]
        resumed = main(
            ["experiment", str(path), "-o", str(tmp_path / "cut"), "--resume"], out=io.StringIO()
        )
        assert resumed == 0
        assert len(read_rows(tmp_path / "cut")) == 80

    def test_problems(self, tmp_path: Path) -> None:
        """A bad file exits 1 with the key named; --workers with --scheduler exits 2."""
        path = write(tmp_path / "study.toml", {"seeds": 0})
        out = io.StringIO()
        assert main(["experiment", str(path), "-o", str(tmp_path / "o")], out=out) == 1
        assert "seeds: expected" in out.getvalue()
        out = io.StringIO()
        assert (
            main(
                [
                    "experiment",
                    str(path),
                    "-o",
                    "o",
                    "--workers",
                    "2",
                    "--scheduler",
                    "tcp://h:1",
                ],
                out=out,
            )
            == 2
        )


class TestResumeDesign:
    def test_another_design_is_refused(self, tmp_path: Path) -> None:
        """Resuming an experiment with other values into a directory is refused, not mixed."""
        run_experiment(load_experiment(SMALL), tmp_path)
        other = load_experiment({**SMALL, "scenario": {"days": 16}})
        with pytest.raises(ExperimentError, match="holds the rows of another experiment"):
            run_experiment(other, tmp_path, resume=True)
        assert len(read_rows(tmp_path)) == 6

    def test_more_seeds_extend_it(self, tmp_path: Path) -> None:
        """The same design with more seeds resumes, running only the new seeds' runs."""
        run_experiment(load_experiment(SMALL), tmp_path)
        more = load_experiment({**SMALL, "seeds": 4})
        summary = run_experiment(more, tmp_path, resume=True)
        assert (summary.skipped, summary.ran) == (6, 2)
