"""Tests for `govmodel.cli.interop`: render, export and import from the command line."""

import io
import json
import shutil
from pathlib import Path

import pytest

import govmodel
from govmodel import examples
from govmodel.cli import main
from govmodel.simulation import Scenario, simulate


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


class TestRender:
    def test_mermaid(self) -> None:
        """render prints a Mermaid flowchart naming the community."""
        status, text = run("render", "xinhe")
        assert status == 0
        assert "\nflowchart" in text
        assert "新河社区" in text

    def test_dot_to_file(self, tmp_path: Path) -> None:
        """--format dot -o writes Graphviz text."""
        path = tmp_path / "x.dot"
        status, text = run("render", "zhuanqiao", "--format", "dot", "-o", str(path))
        assert status == 0
        assert path.read_text(encoding="utf-8").lstrip().startswith("digraph")
        assert f"written to {path}" in text

    @pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
    def test_svg(self, tmp_path: Path) -> None:
        """--format svg draws through Graphviz."""
        path = tmp_path / "x.svg"
        status, _ = run("render", "xinhe", "--format", "svg", "-o", str(path))
        assert status == 0
        assert "<svg" in path.read_text(encoding="utf-8")

    def test_unknown_focus(self) -> None:
        """An unknown focus is one error line."""
        status, text = run("render", "xinhe", "--focus", "compound:nowhere")
        assert status == 1
        assert text.startswith("govmodel: error:")


class TestExportImport:
    def test_popolo_round_trip(self, tmp_path: Path) -> None:
        """export --to popolo then import popolo -o gives back the structure."""
        popolo = tmp_path / "x.json"
        spec = tmp_path / "x.toml"
        assert run("export", "lianhua", "--to", "popolo", "-o", str(popolo))[0] == 0
        status, _ = run("import", "popolo", str(popolo), "-o", str(spec))
        assert status == 0
        assert govmodel.load(spec) == examples.load("lianhua")

    def test_graph_formats(self) -> None:
        """GraphML and node-link exports print parseable text."""
        status, text = run("export", "xinhe", "--to", "graphml")
        assert status == 0
        assert "<graphml" in text
        status, text = run("export", "xinhe", "--to", "node-link")
        assert status == 0
        assert json.loads(text)["nodes"]

    def test_open311_services_and_requests(self, tmp_path: Path) -> None:
        """Without a log open311 lists services; with one, requests that import back."""
        status, text = run("export", "xinhe", "--to", "open311")
        assert status == 0
        assert len(json.loads(text)) == len(govmodel.Category)
        result = simulate(examples.load("xinhe"), Scenario(days=20), seed=1)
        log = tmp_path / "log.jsonl"
        log.write_text(govmodel.dumps_events(result.events), encoding="utf-8")
        requests = tmp_path / "requests.json"
        status, _ = run(
            "export", "xinhe", "--to", "open311", "--events", str(log), "-o", str(requests)
        )
        assert status == 0
        status, text = run("import", "open311", str(requests), "--spec", "xinhe")
        assert status == 0
        n = len(result.outcomes)
        assert text == f"{n} cases read ({n} reports)\n"

    def test_open311_lifecycle_round_trip(self, tmp_path: Path) -> None:
        """import --lifecycle keeps every event: the log exports back to the same requests.

        Without it only the reports were kept, and a request's notes and status were lost.
        """
        result = simulate(examples.load("xinhe"), Scenario(days=20), seed=1)
        log = tmp_path / "log.jsonl"
        log.write_text(govmodel.dumps_events(result.events), encoding="utf-8")
        first, second, back = tmp_path / "1.json", tmp_path / "2.json", tmp_path / "back.jsonl"
        run("export", "xinhe", "--to", "open311", "--events", str(log), "-o", str(first))
        status, text = run(
            "import", "open311", str(first), "--spec", "xinhe", "--lifecycle", "-o", str(back)
        )
        assert status == 0
        assert text.endswith(f"as {len(result.events)} events\n")
        run("export", "xinhe", "--to", "open311", "--events", str(back), "-o", str(second))
        assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")

    def test_open311_every_problem_listed(self, tmp_path: Path) -> None:
        """A file with several bad requests lists each, with its index, and exits 1."""
        path = tmp_path / "bad.json"
        path.write_text(
            json.dumps([{"service_request_id": "1", "service_code": "pothole"}, {"lat": 3}]),
            encoding="utf-8",
        )
        status, text = run("import", "open311", str(path))
        assert status == 1
        assert "requests[0].service_code" in text
        assert "requests[1].service_request_id" in text
        assert "requests[1].lat" in text

    def test_open311_for_actor_keeps_personal_data_back(self, tmp_path: Path) -> None:
        """An export for a summoned unit carries no contact even with --include-personal."""
        import datetime as dt

        case = govmodel.Case(
            id="c",
            category=govmodel.Category.EXTERNAL_NUISANCE,
            place="compound:kaisa-2",
            scope=govmodel.Scope.COMPOUND,
            reported_at=dt.datetime(2025, 5, 6, 9),
            contact="13912345678",
        )
        routing = govmodel.route(examples.load("shagangwan"), case)
        log = tmp_path / "log.jsonl"
        log.write_text(
            govmodel.dumps_events(
                [
                    govmodel.Reported(case=case, at=case.reported_at),
                    govmodel.Routed(case_id="c", at=case.reported_at, routing=routing),
                ]
            ),
            encoding="utf-8",
        )
        status, text = run(
            "export",
            "shagangwan",
            "--to",
            "open311",
            "--events",
            str(log),
            "--for-actor",
            "partner:changbang",
            "--include-personal",
        )
        assert status == 0
        assert "13912345678" not in text
        status, text = run(
            "export",
            "shagangwan",
            "--to",
            "open311",
            "--events",
            str(log),
            "--for-actor",
            "dept:police",
            "--include-personal",
        )
        assert "13912345678" in text

    def test_import_errors(self, tmp_path: Path) -> None:
        """Unreadable or unmappable files are one error line, exit 1."""
        status, text = run("import", "popolo", str(tmp_path / "none.json"))
        assert status == 1
        assert text.startswith("govmodel: error: cannot read")
        bad = tmp_path / "bad.json"
        bad.write_text('[{"service_request_id": "1", "service_code": "magic"}]', encoding="utf-8")
        status, text = run("import", "open311", str(bad))
        assert status == 1
        assert "service_code" in text

    def test_missing_events_file(self, tmp_path: Path) -> None:
        """A missing event log is named in the error."""
        status, text = run(
            "export", "xinhe", "--to", "open311", "--events", str(tmp_path / "no.jsonl")
        )
        assert status == 1
        assert "--events" in text


class TestImportChecks:
    def test_invalid_popolo_structure(self, tmp_path: Path) -> None:
        """A Popolo file whose structure breaks the rules is refused with the problems."""
        from govmodel.interop.popolo import to_popolo

        data = to_popolo(examples.load("xinhe"))
        for area in data["areas"]:
            if area["id"] == "grid:wanda-a":
                area["govmodel"]["covers"] = ["building:wanda-1"]
        path = tmp_path / "p.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        status, text = run("import", "popolo", str(path), "-o", str(tmp_path / "x.toml"))
        assert status == 1
        assert "building:wanda-2" in text
        assert not (tmp_path / "x.toml").exists()


def _handed_over_spec(tmp_path: Path) -> Path:
    """Xinhe, its people named, with steward-1 the worker of micro-grid 万达 A until 10 May."""
    import datetime as dt

    import attrs

    xinhe = examples.load("xinhe")
    records = xinhe.records()
    people = tuple(attrs.evolve(p, name_zh=f"居民{i}号") for i, p in enumerate(records["people"]))
    appointments = tuple(
        attrs.evolve(a, end=dt.date(2025, 5, 10))
        if (a.person, a.post) == ("person:steward-1", "post:grid-wanda-a-worker")
        else a
        for a in records["appointments"]
    )
    spec = tmp_path / "xinhe.toml"
    govmodel.dump(xinhe.evolve(people=people, appointments=appointments), spec)
    return spec


def _noise_log(tmp_path: Path, spec: Path, *, reopened: str | None = None) -> Path:
    """A neighbour's noise in building 1 on 6 May, settled by the micro-grid's worker.

    With ``reopened``, visited unsatisfied, reopened for that reason and escalated.
    """
    import datetime as dt

    s = govmodel.load(spec)
    t = dt.datetime(2025, 5, 6, 9)
    case = govmodel.Case(
        id="c",
        category=govmodel.Category.NOISE,
        place="building:wanda-1",
        scope=govmodel.Scope.BUILDING,
        reported_at=t,
        contact="13912345678",
    )
    routing = govmodel.route(s, case)
    events: list[govmodel.CaseEvent] = [
        govmodel.Reported(case=case, at=t),
        govmodel.Routed(case_id="c", at=t, routing=routing),
    ]
    if reopened is not None:
        handler = routing.handler or ""
        later = t + dt.timedelta(days=1)
        events += [
            govmodel.Accepted(case_id="c", at=t, actor=handler),
            govmodel.Resolved(case_id="c", at=t, actor=handler),
            govmodel.Revisited(case_id="c", at=later, actor=handler, satisfied=False),
            govmodel.Reopened(case_id="c", at=later, actor=handler, reason=reopened),
        ]
        again = govmodel.escalate(s, govmodel.replay(events), now=later)
        assert again is not None
        events.append(govmodel.Routed(case_id="c", at=later, routing=again))
    log = tmp_path / "log.jsonl"
    log.write_text(govmodel.dumps_events(events), encoding="utf-8")
    return log


class TestReaders:
    """Personal data leave the command line only for a named reader, judged at a moment."""

    def test_reopen_reason_only_for_view_personal(self, tmp_path: Path) -> None:
        """export --to open311 writes a reopening's reason for no one who may only view it.

        It used to reach service_notice through the escalated routing's reason.
        """
        spec = _handed_over_spec(tmp_path)
        reason = "3号楼302室又吵到半夜"
        log = _noise_log(tmp_path, spec, reopened=reason)
        export = ["export", str(spec), "--to", "open311", "--events", str(log)]
        for extra in ([], ["--for-actor", "pm:cxh", "--include-personal"]):
            status, text = run(*export, *extra)
            assert status == 0
            assert '"c"' in text
            assert reason not in text
            assert "reopened (reason kept with the case)" in text
        status, text = run(*export, "--back-office", "--include-personal")
        assert status == 0
        assert reason in text

    def test_former_holder_with_at(self, tmp_path: Path) -> None:
        """--at judges --for-actor: steward-1, grid worker until 10 May, sees no contact in June."""
        spec = _handed_over_spec(tmp_path)
        log = _noise_log(tmp_path, spec)
        export = [
            "export",
            str(spec),
            "--to",
            "open311",
            "--events",
            str(log),
            "--include-personal",
        ]
        reader = ["--for-actor", "person:steward-1"]
        status, text = run(*export, *reader)  # at the log's last event, 6 May
        assert status == 0
        assert "13912345678" in text
        status, text = run(*export, *reader, "--at", "2025-06-01T09:00")
        assert status == 0
        assert '"c"' in text  # still a steward of the company serving the compound
        assert "13912345678" not in text
        status, text = run(*export, *reader, "--at", "2025-05-10T23:59")
        assert "13912345678" in text

    def test_personal_data_need_a_reader(self, tmp_path: Path) -> None:
        """--include-personal alone is a usage error, for every export and the charts."""
        log = _noise_log(tmp_path, _handed_over_spec(tmp_path))
        for argv in (
            ["export", "xinhe", "--to", "open311", "--events", str(log), "--include-personal"],
            ["export", "xinhe", "--to", "popolo", "--include-personal"],
            ["render", "xinhe", "--include-personal"],
        ):
            status, text = run(*argv)
            assert status == 2, argv
            assert text.startswith("govmodel: error: --include-personal: name who reads"), text

    def test_names_for_a_reader(self, tmp_path: Path) -> None:
        """People's names go to a body, a current holder or the back office; not otherwise."""
        spec = str(_handed_over_spec(tmp_path))
        name = "居民2号"  # person:steward-1
        for argv in (["export", spec, "--to", "node-link"], ["render", spec]):
            status, text = run(*argv)
            assert (status, name in text) == (0, False)
            for reader in (
                ["--for-actor", "rc:xinhe"],
                ["--back-office"],
                ["--for-actor", "person:steward-1", "--at", "2025-05-10T09:00"],
            ):
                status, text = run(*argv, "--include-personal", *reader)
                assert status == 0, (argv, reader)
                assert "居民" in text, (argv, reader)
            status, text = run(*argv, "--include-personal", "--for-actor", "person:steward-1")
            assert status == 1
            assert "give --at" in text
            status, text = run(
                *argv,
                "--include-personal",
                "--for-actor",
                "person:adviser-3",
                "--at",
                "2025-05-10T09:00",
            )
            assert status == 1
            assert '--for-actor: no body, post or person "person:adviser-3"' in text

    def test_person_without_a_post_then(self, tmp_path: Path) -> None:
        """A person who holds no post at --at reads no names: one line, exit 1."""
        spec = str(_handed_over_spec(tmp_path))
        status, text = run(
            "export",
            spec,
            "--to",
            "popolo",
            "--include-personal",
            "--for-actor",
            "person:pm-party-member",
            "--at",
            "2025-03-01T09:00",
        )
        assert status == 1
        assert text == (
            'govmodel: error: --for-actor: "person:pm-party-member" holds no post on '
            "2025-03-01, so may not read personal data\n"
        )
