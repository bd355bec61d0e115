"""Tests for `govmodel.cli`: the govmodel command."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import govmodel
from govmodel import examples, synth
from govmodel.cli import main

BROKEN = """\
schema = "govmodel/1"
name = "broken"

[[places]]
id = "community:a"
kind = "communty"

[[places]]
id = "compound:b"
kind = "compound"
parent = "community:zz"
households = "many"

[[appointments]]
person = "person:nobody"
post = "post:none"
start = "2025-02-30"
"""


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


class TestValidate:
    def test_clean_example(self) -> None:
        """A clean spec exits 0 and says so."""
        status, text = run("validate", str(examples.path("zhuanqiao")))
        assert status == 0
        assert text.startswith("zhuanqiao.toml: valid (0 errors, 0 warnings)")

    def test_broken_file_lists_every_problem(self, tmp_path: Path) -> None:
        """A broken file lists every problem with its location and exits 1."""
        path = tmp_path / "broken.toml"
        path.write_text(BROKEN, encoding="utf-8")
        status, text = run("validate", str(path))
        assert status == 1
        lines = text.splitlines()
        assert lines[0] == "broken.toml: invalid (6 errors, 0 warnings)"
        assert "  error unknown-value places[0].kind: unknown kind" in lines[1]
        locations = [line.split()[2] for line in lines[1:]]
        assert locations == [
            "places[0].kind:",
            "places[1].households:",
            "places[1].parent:",
            "appointments[0].person:",
            "appointments[0].post:",
            "appointments[0].start:",
        ]

    def test_toml_syntax_error(self, tmp_path: Path) -> None:
        """TOML itself rejects the date 2025-02-30: the parser's complaint is reported."""
        path = tmp_path / "broken.toml"
        path.write_text(BROKEN.replace('"2025-02-30"', "2025-02-30"), encoding="utf-8")
        status, text = run("validate", str(path))
        assert status == 1
        assert text.splitlines()[1].startswith("  error syntax not valid TOML:")

    def test_json_output(self, tmp_path: Path) -> None:
        """--json prints the same problems as data."""
        path = tmp_path / "broken.json"
        path.write_text(
            json.dumps({"schema": "govmodel/1", "places": [{"id": "x", "kind": "palace"}]}),
            encoding="utf-8",
        )
        status, text = run("validate", str(path), "--json")
        data = json.loads(text)
        assert status == 1
        assert data["valid"] is False
        assert [(p["location"], p["code"]) for p in data["problems"]] == [
            ("places[0].kind", "unknown-value")
        ]

    def test_warnings_exit_zero(self, tmp_path: Path) -> None:
        """Warnings are listed but do not fail the check."""
        import govmodel

        s = examples.load("xinhe")
        spec = govmodel.to_dict(s)
        spec["bodies"] = [b for b in spec["bodies"] if b["id"] != "oc:wanda"]
        spec["ties"] = [t for t in spec["ties"] if "oc:wanda" not in (t["source"], t["target"])]
        spec["meetings"][0]["members"].remove("oc:wanda")
        path = tmp_path / "warn.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        status, text = run("validate", str(path))
        assert status == 0
        assert "1 warning" in text
        assert "compound.no-owners-committee" in text

    def test_validation_error_located(self, tmp_path: Path) -> None:
        """Whole-structure errors are reported with the record they concern."""
        import govmodel

        spec = govmodel.to_dict(examples.load("xinhe"))
        spec["grids"] = [g for g in spec["grids"] if g["id"] != "grid:wanda-b"]
        spec["posts"] = [p for p in spec["posts"] if p["in"] != "grid:wanda-b"]
        spec["appointments"] = [
            a for a in spec["appointments"] if a["post"] != "post:grid-wanda-b-worker"
        ]
        path = tmp_path / "gap.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        status, text = run("validate", str(path))
        assert status == 1
        assert 'error grid.gap places[5]: building "building:wanda-3" is in no micro-grid' in text

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is an error, not a traceback."""
        status, text = run("validate", str(tmp_path / "none.toml"))
        assert status == 1
        assert "cannot read the file" in text


class TestDescribe:
    def test_summary(self) -> None:
        """describe summarises the Xinhe structure: grids, bodies, posts, meetings."""
        status, text = run("describe")
        assert status == 0
        assert text.startswith("Xinhe community (新河社区)")
        for expected in (
            "Places: 1 street, 1 community, 1 compound, 4 buildings",
            "micro: 2",
            "mediation_room (1): mediation:xinhexin",
            "mediator: 1 post, 3 holders",
            "legal_adviser: 1 post, 2 holders",
            "Cross-appointments (兼任, 4 people holding several posts):",
            "meeting:1+3+n",
        ):
            assert expected in text, expected

    @pytest.mark.parametrize("name", examples.names())
    def test_every_example(self, name: str) -> None:
        """describe summarises any bundled community."""
        status, text = run("describe", name)
        assert status == 0
        assert examples.load(name).name in text.splitlines()[0]


class TestCommand:
    @pytest.mark.parametrize(
        "argv",
        [
            ["--help"],
            ["validate", "--help"],
            ["route", "--help"],
            ["describe", "--help"],
            ["simulate", "--help"],
            ["sweep", "--help"],
            ["demo", "--help"],
        ],
    )
    def test_help_everywhere(self, argv: list[str]) -> None:
        """Every command answers --help with usage and exit status 0."""
        result = subprocess.run(
            [sys.executable, "-m", "govmodel.cli", *argv],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0
        assert result.stdout.startswith("usage: govmodel")

    def test_usage_error(self) -> None:
        """An unknown command is a usage error (exit 2)."""
        with pytest.raises(SystemExit) as info:
            main(["frobnicate"])
        assert info.value.code == 2


class TestRoute:
    def test_whistle_case(self) -> None:
        """route prints the whistle order: tier, summoned department, convener, ladder."""
        status, text = run(
            "route",
            "xinhe",
            "--place",
            "compound:wanda",
            "--category",
            "fire_lane",
            "--scope",
            "compound",
            "--at",
            "2025-05-06T09:00",
        )
        assert status == 0
        assert "  tier:       whistle" in text
        assert "  summoned:   dept:fire" in text
        assert "  convener:   party:xinhe" in text
        assert "  due:        2025-05-27 17:00" in text
        assert " → whistle" in text

    def test_json(self) -> None:
        """--json gives the routing and the ladder as data."""
        status, text = run(
            "route",
            str(examples.path("xinhe")),
            "--place",
            "building:wanda-1",
            "--category",
            "noise",
            "--at",
            "2025-05-06T09:00",
            "--json",
        )
        data = json.loads(text)
        assert status == 0
        assert data["routing"]["procedure"] == "on_the_spot"
        assert [t["tier"] for t in data["ladder"]] == [
            "micro_grid",
            "compound",
            "community",
            "whistle",
            "street",
        ]

    def test_domains_and_receiver(self) -> None:
        """--domains overrides the category; --receiver owns the case."""
        status, text = run(
            "route",
            "xinhe",
            "--place",
            "building:wanda-2",
            "--category",
            "leak",
            "--scope",
            "community",
            "--domains",
            "neighbour_dispute,legal",
            "--receiver",
            "rc:xinhe",
            "--at",
            "2025-05-06T09:00",
            "--json",
        )
        assert status == 0
        data = json.loads(text)["routing"]
        assert (data["procedure"], data["handler"], data["owner"]) == (
            "mediation",
            "mediation:xinhexin",
            "rc:xinhe",
        )

    @pytest.mark.parametrize(
        ("extra", "message", "status"),
        [
            (["--place", "nowhere"], '--place: no place "nowhere"', 1),
            (["--place", "compound:wanda", "--at", "soon"], "--at: expected a date and a time", 2),
            (["--place", "compound:wanda", "--domains", "magic"], "--domains:", 2),
            (
                ["--place", "compound:wanda", "--receiver", "nobody"],
                "--receiver: no post or body",
                1,
            ),
        ],
    )
    def test_bad_arguments(self, extra: list[str], message: str, status: int) -> None:
        """Bad arguments are one clear line: exit 2 when malformed, 1 when the spec lacks them."""
        found, text = run("route", "xinhe", "--category", "noise", *extra)
        assert found == status
        assert text.startswith("govmodel: error: " + message)

    def test_broken_spec(self, tmp_path: Path) -> None:
        """A broken spec file is reported, not raised."""
        path = tmp_path / "broken.toml"
        path.write_text(BROKEN, encoding="utf-8")
        status, text = run("route", str(path), "--place", "x", "--category", "noise")
        assert status == 1
        assert "places[0].kind" in text


class TestSynth:
    @pytest.mark.parametrize("suffix", [".toml", ".json", ".yaml"])
    def test_writes_the_preset(self, tmp_path: Path, suffix: str) -> None:
        """`govmodel synth district -o FILE` writes the preset's spec; it loads back equal."""
        path = tmp_path / f"district{suffix}"
        status, text = run("synth", "district", "--seed", "3", "-o", str(path))
        assert status == 0
        expected = synth.preset("district", seed=3)
        assert text == (
            f"{path}: wrote Synthetic district (seed 3), "
            f"{expected.graph.number_of_nodes():,} nodes\n"
        )
        assert govmodel.load(path) == expected

    def test_standard_output_is_toml(self) -> None:
        """Without -o the spec goes to standard output as TOML."""
        status, text = run("synth", "district")
        assert status == 0
        assert govmodel.loads(text, format="toml") == synth.preset("district")

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["synth", "district", "--seed", "-2"], "--seed: expected 0 or more, found -2"),
            (["synth", "district", "-o", "out.txt"], "-o: expected a file ending in .toml"),
        ],
    )
    def test_bad_arguments(self, argv: list[str], message: str) -> None:
        """Bad arguments are one clear line and a usage error (exit 2)."""
        status, text = run(*argv)
        assert status == 2
        assert text.startswith("govmodel: error: " + message)

    def test_unknown_preset_is_a_usage_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown preset exits 2, as a bad --category does (it used to exit 1)."""
        with pytest.raises(SystemExit) as info:
            main(["synth", "town"])
        assert info.value.code == 2
        assert "invalid choice: 'town'" in capsys.readouterr().err
