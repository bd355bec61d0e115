"""Tests for `govmodel.cli.research` and `govmodel.cli.demo`: simulate, sweep and demo."""

import builtins
import io
import json
from pathlib import Path
from typing import Any

import pytest

from govmodel import GovModelError, loads_events
from govmodel.cli import main
from govmodel.cli.research import load_sweep
from govmodel.simulation import mean_and_interval


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


class TestSimulate:
    def test_prints_figures_and_writes_log(self, tmp_path: Path) -> None:
        """simulate prints the metrics table and writes the event log and picture."""
        log = tmp_path / "log.jsonl"
        png = tmp_path / "x.png"
        status, text = run(
            "simulate", "xinhe", "--days", "60", "--seed", "3", "-o", str(log), "--png", str(png)
        )
        assert status == 0
        assert text.startswith("Xinhe community: 60 days simulated (seed 3)")
        assert "response rate" in text
        events = loads_events(log.read_text(encoding="utf-8"))
        assert f"event log written to {log} ({len(events)} events)" in text
        assert png.read_bytes()[:4] == b"\x89PNG"

    def test_bad_days(self) -> None:
        """Zero days is refused in one line, as a usage error."""
        status, text = run("simulate", "xinhe", "--days", "0")
        assert status == 2
        assert text.startswith("govmodel: error: --days")


class TestDemo:
    def test_xinhe_beside_article(self, tmp_path: Path) -> None:
        """The demo prints simulated figures beside the article's and draws the PNG."""
        png = tmp_path / "demo.png"
        status, text = run("demo", "--png", str(png))
        assert status == 0
        assert (
            text.splitlines()[0]
            == "Xinhe community (新河社区): one simulated year, default scenario, seed 2"
        )
        assert "response rate" in text
        assert "100 %" in text
        assert "98 % or more" in text
        assert "requests through the platforms" in text
        assert "red whistle orders" in text
        assert png.read_bytes()[:4] == b"\x89PNG"


class TestSweep:
    def config(self, tmp_path: Path, body: str) -> Path:
        path = tmp_path / "sweep.toml"
        path.write_text(body, encoding="utf-8")
        return path

    def test_every_problem_of_a_file_at_once(self, tmp_path: Path) -> None:
        """A sweep file with several problems lists them all in one error, exit 1."""
        path = self.config(
            tmp_path,
            'bogus = 1\nseeds = "two"\nvariants = ["nope"]\n[scenario]\ndays = 1.5\n',
        )
        status, text = run("sweep", str(path))
        assert status == 1
        assert "4 problems" in text
        for part in ('unknown key "bogus"', "seeds:", 'unknown variant "nope"', "scenario.days"):
            assert part in text

    def test_summary_and_rows(self, tmp_path: Path) -> None:
        """sweep prints a summary per variant and streams rows to the file."""
        path = self.config(
            tmp_path,
            'seeds = 2\nstructures = ["zhuanqiao"]\n'
            'variants = ["baseline", "no_standing_meeting"]\n'
            'out = "rows.jsonl"\n[scenario]\ndays = 30\n',
        )
        status, text = run("sweep", str(path), "--png", str(tmp_path / "c.png"))
        assert status == 0
        rows = [json.loads(x) for x in (tmp_path / "rows.jsonl").read_text().splitlines()]
        assert [r["label"] for r in rows] == ["zhuanqiao/baseline"] * 2 + [
            "zhuanqiao/no_standing_meeting"
        ] * 2
        assert "zhuanqiao/no_standing_meeting" in text
        assert "(mean over seeds" in text

    def test_summary_intervals_are_student_t(self, tmp_path: Path) -> None:
        """The summary's half-widths are the t-intervals of the rows, in text and in JSON."""
        path = self.config(tmp_path, 'seeds = 2\nout = "rows.jsonl"\n[scenario]\ndays = 20\n')
        status, text = run("sweep", str(path), "--json")
        assert status == 0
        rows = [json.loads(x) for x in (tmp_path / "rows.jsonl").read_text().splitlines()]
        (entry,) = json.loads(text)["summary"]
        values = [r["on_time_rate"] for r in rows]
        mean, half = mean_and_interval(values)
        assert entry["on_time_rate"] == {"mean": mean, "half_width": half}
        status, text = run("sweep", str(path))
        assert f"{100 * mean:.1f}% ± {100 * half:.1f}" in text
        assert "(mean over seeds ± half-width of the 95 % t-interval)" in text

    def test_one_seed_has_no_interval(self, tmp_path: Path) -> None:
        """With one seed the summary says there is no interval instead of printing ± 0.0."""
        path = self.config(tmp_path, "seeds = 1\n[scenario]\ndays = 20\n")
        status, text = run("sweep", str(path))
        assert status == 0
        assert "±" not in text.splitlines()[2]
        assert "single run, which has no interval: set seeds = 2 or more" in text
        assert "t-interval" not in text
        status, text = run("sweep", str(path), "--json")
        (entry,) = json.loads(text)["summary"]
        assert entry["on_time_rate"]["half_width"] is None

    def test_without_scipy_the_rows_are_kept(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without scipy the rows are written and the summary names the stats extra, exit 1."""
        from govmodel.simulation import intervals

        real_import = builtins.__import__

        def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
            if name.startswith("scipy"):
                raise ImportError(name)
            return real_import(name, *args, **kwargs)

        path = self.config(tmp_path, 'seeds = 2\nout = "rows.jsonl"\n[scenario]\ndays = 10\n')
        monkeypatch.setattr(builtins, "__import__", fake_import)
        intervals._t_quantile.cache_clear()
        try:
            status, text = run("sweep", str(path))
        finally:
            intervals._t_quantile.cache_clear()
        assert status == 1
        assert "pip install 'govmodel[stats]'" in text
        assert len((tmp_path / "rows.jsonl").read_text().splitlines()) == 2

    def test_workers_give_same_rows(self, tmp_path: Path) -> None:
        """--workers 2 writes the same rows as a serial sweep."""
        body = 'seeds = 2\nstructures = ["xinhe"]\nvariants = true\n[scenario]\ndays = 20\n'
        path = self.config(tmp_path, body)
        run("sweep", str(path), "-o", str(tmp_path / "a.csv"))
        run("sweep", str(path), "--workers", "2", "--output", str(tmp_path / "b.csv"))
        assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ("colour = 1\n", 'unknown key "colour"'),
            ("seeds = 0\n", "seeds: expected an integer of 1 or more"),
            ('variants = ["magic"]\n', 'unknown variant "magic"'),
            ("[scenario]\nsatisfaction = 2.0\n", "scenario.satisfaction: expected a probability"),
            ("[scenario]\nrates = 1\n", "scenario.rates: not a Scenario field a study file sets"),
            ('[scenario]\noff = ["handof"]\n', "scenario.off: expected names among shared_time"),
            ("[scenario]\ndays = 40000\n", "scenario.days: expected at most 36,500"),
            ("seeds = ", "not valid TOML"),
        ],
    )
    def test_bad_config(self, tmp_path: Path, body: str, message: str) -> None:
        """A bad sweep file is one clear error line, exit 1."""
        status, text = run("sweep", str(self.config(tmp_path, body)))
        assert status == 1
        assert message in text

    def test_variants_true_takes_those_offered(self, tmp_path: Path) -> None:
        """variants = true runs only the variants that change each structure."""
        runs, _ = load_sweep(self.config(tmp_path, 'structures = ["lianhua"]\nvariants = true\n'))
        labels = [r.label for r in runs]
        assert "lianhua/baseline" in labels
        assert "lianhua/grid_levels_merged" not in labels

    def test_mechanisms_switched_off_in_a_study_file(self, tmp_path: Path) -> None:
        """A study file switches mechanisms off and sets the warm-up, as Scenario does."""
        body = '[scenario]\ndays = 10\nwarmup_days = 5\noff = ["handoffs", "meetings"]\n'
        runs, _ = load_sweep(self.config(tmp_path, body))
        assert runs[0].scenario.off == {"handoffs", "meetings"}
        assert runs[0].scenario.warmup_days == 5

    def test_left_out_variant_says_why(self, tmp_path: Path) -> None:
        """A variant named in the file but left out for a structure is an error with the reason."""
        path = self.config(
            tmp_path, 'structures = ["lianhua"]\nvariants = ["grid_levels_merged"]\n'
        )
        with pytest.raises(GovModelError, match=r"it has no micro-grid; variants = true takes"):
            load_sweep(path)

    def test_combined_variants(self, tmp_path: Path) -> None:
        """A combined variant is named by its ablations joined by +, in any order."""
        body = 'structures = ["xinhe"]\nvariants = ["no_standing_meeting+no_owners_committee"]\n'
        runs, _ = load_sweep(self.config(tmp_path, body))
        assert [r.label for r in runs] == ["xinhe/no_owners_committee+no_standing_meeting"]
        assert runs[0].structure.meetings() == ()
        status, text = run("sweep", str(self.config(tmp_path, 'variants = ["a+b"]\n')))
        assert status == 1
        assert 'unknown variant "a+b"' in text

    def test_load_sweep_paths_relative_to_config(self, tmp_path: Path) -> None:
        """Spec paths in a sweep file are read relative to the file."""
        from govmodel import dump, examples

        dump(examples.load("xinhe"), tmp_path / "mine.toml")
        runs, settings = load_sweep(
            self.config(tmp_path, 'structures = ["mine.toml"]\nout = "r.csv"\n')
        )
        assert runs[0].label == "mine/baseline"
        assert settings["out"] == str(tmp_path / "r.csv")


class TestBadPaths:
    def test_unwritable_outputs(self, tmp_path: Path) -> None:
        """Outputs that cannot be written are one error line, never a traceback."""
        missing = tmp_path / "no" / "such"
        assert run("simulate", "xinhe", "--days", "3", "-o", str(missing / "x.jsonl"))[0] == 1
        status, text = run("simulate", "xinhe", "--days", "3", "--png", str(missing / "x.png"))
        assert status == 1
        assert text.splitlines()[-1].startswith("govmodel: error: cannot read or write")

    def test_png_suffix_and_seed(self) -> None:
        """A picture must end in .png and a seed be 0 or more."""
        assert run("simulate", "xinhe", "--png", "x.txt")[1].startswith("govmodel: error: --png")
        assert run("demo", "--seed", "-1")[1].startswith("govmodel: error: --seed")

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A sweep file that is not UTF-8 is reported, not raised."""
        path = tmp_path / "bin.toml"
        path.write_bytes(b"seeds = \xff\n")
        status, text = run("sweep", str(path))
        assert status == 1
        assert "UTF-8" in text

    def test_scenario_types(self, tmp_path: Path) -> None:
        """Scenario fields in a sweep file must be numbers of the right kind."""
        path = tmp_path / "s.toml"
        for body in (
            "[scenario]\nstart = 5\n",
            "[scenario]\ndays = 1e400\n",
            '[scenario]\ndays = "x"\n',
        ):
            path.write_text(body, encoding="utf-8")
            status, text = run("sweep", str(path))
            assert status == 1, body
            assert "scenario." in text
