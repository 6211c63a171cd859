"""The command line in-process: every command's exit code, and the README's commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docwitness.cli import main
from docwitness.errors import ExitCode, UsageError

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "sources" / "cn-ru-joint-statement-2017.toml"


def test_help_for_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    commands = re.findall(r"^    (\w+)\s", out, flags=re.M)
    assert {"fetch", "log", "verify"} <= set(commands)
    for command in commands:
        assert main([command, "--help"]) == 0
        assert "usage: docwitness" in capsys.readouterr().out


def test_unknown_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == ExitCode.USAGE
    assert "invalid choice" in capsys.readouterr().err


def test_fetch_bundled_catalogue_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "snapshots"
    code = main(["fetch", str(CATALOGUE), "--store", str(store), "--json", "--offline"])
    results = {r["witness"]: r for r in json.loads(capsys.readouterr().out)}
    # Offline, the mirror pages are unavailable, the run goes on, the local copy is
    # captured, and the exit code says "incomplete".
    assert code == ExitCode.INCOMPLETE
    assert results["yunbaogao-preview"]["status"] == "captured"
    # The single-copy checks run on every fresh capture.
    assert results["yunbaogao-preview"]["checks"] == "truncated in point 十"
    for wid in ("china-com", "crntt", "wikisource"):
        assert results[wid]["status"] == "unavailable"
        assert results[wid]["reason"] == "offline: not fetched"
    assert main(["verify", "--store", str(store)]) == ExitCode.OK


def test_log_shows_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "snapshots"
    main(["fetch", str(CATALOGUE), "--store", str(store), "--offline"])
    main(["fetch", str(CATALOGUE), "--store", str(store), "--offline"])
    capsys.readouterr()
    assert main(["log", "yunbaogao-preview", "--store", str(store)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "cn-ru-joint-statement-2017/yunbaogao-preview: 2 captures" in out
    assert "first capture" in out and "no change" in out
    assert main(["log", "nobody", "--store", str(store)]) == ExitCode.USAGE
    assert "no history for witness 'nobody'" in capsys.readouterr().err


def test_internal_error_is_one_line_without_debug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import docwitness.pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("made failure")

    monkeypatch.setattr(docwitness.pipeline, "verify_store", boom)
    assert main(["verify", "--store", str(tmp_path)]) == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert err.strip() == (
        "docwitness: internal error: RuntimeError: made failure "
        "(run with --debug for the traceback)"
    )
    assert main(["verify", "--store", str(tmp_path), "--debug"]) == ExitCode.INTERNAL
    assert "Traceback" in capsys.readouterr().err


def test_python_dash_m_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "docwitness", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("docwitness ")


SEED = ROOT / "sources" / "cn-ru-joint-statement-2017" / "yunbaogao-11_1036-preview.md"


def test_diff_exit_codes_and_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import made

    paras = made.made_statement()
    ref = made.write_made(tmp_path, "made-ref.txt", paras)
    same = made.write_made(tmp_path, "made-same.txt", paras, encoding="gb18030")
    variant = made.write_made(
        tmp_path, "made-variant.txt", [p.replace("坚决", "强烈") for p in paras]
    )
    half = made.write_made(tmp_path, "made-half-width.txt", [p.replace("，", ", ") for p in paras])
    assert main(["diff", str(ref), str(same)]) == ExitCode.OK
    assert "made-same.txt: identical" in capsys.readouterr().out
    assert main(["diff", str(ref), str(variant)]) == ExitCode.FINDINGS
    out = capsys.readouterr().out
    assert "made-variant.txt: variant" in out and "坚决" in out and "强烈" in out
    # Half-width punctuation is a formal difference: it fails only --fail-on any.
    assert main(["diff", str(ref), str(half)]) == ExitCode.OK
    assert main(["diff", str(ref), str(half), "--fail-on", "formal"]) == ExitCode.OK
    assert main(["diff", str(ref), str(half), "--fail-on", "any"]) == ExitCode.FINDINGS
    capsys.readouterr()
    out_file = tmp_path / "made-report.md"
    assert (
        main(["diff", str(ref), str(variant), "--format", "markdown", "-o", str(out_file)])
        == ExitCode.FINDINGS
    )
    assert capsys.readouterr().out == ""
    assert "强烈" in out_file.read_text(encoding="utf-8")
    assert main(["diff", str(ref), str(tmp_path / "absent.txt")]) == ExitCode.INCOMPLETE
    err = capsys.readouterr().err
    assert err.strip().endswith("absent.txt: no such file") and len(err.splitlines()) == 1


def test_inspect_seed_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(SEED)]) == ExitCode.FINDINGS
    out = capsys.readouterr().out
    assert "truncated" in out and "point 十" in out and "影响力持续提升。双方" in out
    assert main(["inspect", str(SEED), "--format", "json"]) == ExitCode.FINDINGS
    report = json.loads(capsys.readouterr().out)
    (w,) = report["witnesses"]
    assert w["verdict"] == "truncated"
    kinds = {f["kind"]: f for f in w["findings"]}
    assert kinds["truncation"]["outline"] == "十"
    assert kinds["truncation"]["witness_text"].endswith("影响力持续提升。双方")
    assert "cut-off-marker" in kinds["truncation"]["detail"]["rules"]
    assert "发挥关键作用" in kinds["split"]["detail"]["mended"]
    assert kinds["numbering"]["detail"]["expected"] == "十、"
    boiler = [f["witness"] for f in w["findings"] if f["kind"] == "extra" and f["boilerplate"]]
    assert boiler == [0, 1, 29, 30]


def test_inspect_complete_and_empty(
    tmp_path: Path, made_statement_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(made_statement_path)]) == ExitCode.OK
    assert ": complete" in capsys.readouterr().out
    empty = tmp_path / "made-empty.txt"
    empty.write_bytes(b"")
    assert main(["inspect", str(empty)]) == ExitCode.INCOMPLETE
    assert "empty" in capsys.readouterr().err


def test_collate_and_report_from_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "snapshots"
    assert main(["collate", str(CATALOGUE), "--store", str(store)]) == ExitCode.INCOMPLETE
    assert "no store at" in capsys.readouterr().err
    main(["fetch", str(CATALOGUE), "--store", str(store), "--offline"])
    capsys.readouterr()
    assert (
        main(["collate", str(CATALOGUE), "--store", str(store), "--format", "json"])
        == ExitCode.FINDINGS
    )
    report = json.loads(capsys.readouterr().out)
    assert report["reference"]["id"] == "yunbaogao-preview"
    assert "most complete copy" in report["reference"]["chosen_because"]
    verdicts = {w["id"]: w["verdict"] for w in report["witnesses"]}
    assert verdicts["yunbaogao-preview"] == "truncated"
    assert verdicts["crntt"] == "unavailable"
    html = tmp_path / "made-report.html"
    assert main(["report", str(CATALOGUE), "--store", str(store), "-o", str(html)]) == 0
    assert "yunbaogao-preview" in html.read_text(encoding="utf-8")


def test_check_offline_on_the_bundled_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "snapshots"
    code = main(["check", str(CATALOGUE), "--store", str(store), "--offline"])
    captured = capsys.readouterr()
    assert code == ExitCode.FINDINGS  # the seed copy is truncated
    assert "yunbaogao-preview: truncated" in captured.out
    assert "point 十" in captured.out and "offline: not fetched" in captured.out
    # The reference's own findings point at its own paragraphs, not at a missing reading.
    assert "numbering    point 十, witness ¶28: 1." in captured.out
    assert "∅ → 1." not in captured.out
    assert (store / "report.html").is_file()
    assert "HTML report written to" in captured.err


def test_several_catalogues_give_one_json_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import made

    paras = made.made_statement()
    cats = []
    for name in ("made-one", "made-two"):
        made.write_made(tmp_path, f"{name}.txt", paras)
        cat = tmp_path / f"{name}.toml"
        cat.write_text(
            f'[document]\nid = "{name}"\ntitle = "made"\nlanguage = "zh"\n\n'
            f'[[witness]]\nid = "copy"\nrole = "official"\npath = "{name}.txt"\n',
            encoding="utf-8",
        )
        cats.append(str(cat))
    store = str(tmp_path / "snapshots")
    assert main(["fetch", *cats, "--store", store]) == ExitCode.OK
    capsys.readouterr()
    assert main(["collate", *cats, "--store", store, "--format", "json"]) == ExitCode.OK
    reports = json.loads(capsys.readouterr().out)
    assert [r["document"]["id"] for r in reports] == ["made-one", "made-two"]
    assert all(r["schema"] == "docwitness.report/1" for r in reports)
    # The same witness id in two documents is told apart by its document.
    assert main(["log", "copy", "--store", store]) == ExitCode.USAGE
    assert "ambiguous" in capsys.readouterr().err
    assert main(["log", "made-two/copy", "--store", store]) == ExitCode.OK


def test_interrupt_exits_130_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import docwitness.pipeline

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(docwitness.pipeline, "verify_store", interrupted)
    assert main(["verify", "--store", str(tmp_path)]) == ExitCode.INTERRUPTED == 130
    assert capsys.readouterr().err == "docwitness: interrupted\n"


def test_a_report_that_cannot_be_written_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "snapshots"
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    base = ["check", str(CATALOGUE), "--store", str(store), "--offline", "--format", "json"]
    html = blocker / "report.html"  # its folder would be a file
    assert main([*base, "--html", str(html)]) == ExitCode.USAGE
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"docwitness: error: cannot write {html}: ")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a folder, not a file
    assert main([*base, "--no-html"]) == ExitCode.USAGE
    assert capsys.readouterr().err.strip().startswith(f"docwitness: error: cannot write {tmp_path}")


def test_an_output_file_is_written_whole_or_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from docwitness.cli import _atomic_output

    out = tmp_path / "made-report.json"
    out.write_text("the report before\n", encoding="utf-8")
    # A temporary name already taken is passed over, not overwritten or refused.
    taken = tmp_path / f".tmp-{bytes(6).hex()}"
    taken.write_text("someone else's\n", encoding="utf-8")
    draws = iter([bytes(6), b"\x01" * 6])
    monkeypatch.setattr(os, "urandom", lambda n: next(draws))
    with _atomic_output(out) as fh:
        fh.write("the report after\n")
    assert out.read_text(encoding="utf-8") == "the report after\n"
    assert taken.read_text(encoding="utf-8") == "someone else's\n"
    assert oct(out.stat().st_mode & 0o777) == oct(0o600)  # as tempfile.mkstemp makes it
    monkeypatch.undo()
    taken.unlink()

    # A write that fails half-way leaves the old file and no temporary file behind.
    with pytest.raises(RuntimeError), _atomic_output(out) as fh:
        fh.write("half of a report")
        raise RuntimeError("renderer failed")
    with pytest.raises(UsageError, match="cannot write"), _atomic_output(out) as fh:
        raise OSError(28, "No space left on device")
    assert out.read_text(encoding="utf-8") == "the report after\n"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
