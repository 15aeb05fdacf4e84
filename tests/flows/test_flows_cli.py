"""The `teleprivacy` command: help for every command, clear errors and exit statuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.cli import build_parser, main
from flows.exit_codes import ExitCode


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help(command: str, capsys):
    """A command without a description is undocumented."""
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert len(capsys.readouterr().out) > 80


def test_missing_config_is_a_clear_error(tmp_path: Path, capsys):
    """A missing file names the file, exits 2, prints no traceback."""
    code = main(["check", str(tmp_path / "nope.yaml")])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT
    assert "nope.yaml" in err
    assert "Traceback" not in err


def test_unknown_config_key_is_named(tmp_path: Path, capsys):
    """Unknown keys are errors that name them."""
    config = tmp_path / "c.yaml"
    config.write_text("policy: voipms\ndatasets: []\ndeliveries: []\nbogus: 1\n")
    assert main(["check", str(config)]) == ExitCode.BAD_INPUT
    assert "bogus" in capsys.readouterr().err


def test_run_without_key_stops_before_reading_data(
    demo_workspace: Path, tmp_path: Path, capsys, monkeypatch
):
    """No key, no run: the message says how to provide one; nothing is written."""
    monkeypatch.delenv("TELEPRIVACY_KEY", raising=False)
    code = main(["run", str(demo_workspace / "demo.yaml"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT
    assert "TELEPRIVACY_KEY" in err
    assert not (tmp_path / "o" / "deliveries").exists()


def test_reidentify_reverses_values_in_the_recipients_scope(tmp_path: Path, capsys, monkeypatch):
    """`reidentify` needs the recipient (or --shared-scope) and reverses that scope's FPE."""
    import json

    import pyarrow as pa

    from redaction.keys import key_from_text
    from redaction.operators import FieldContext, get_operator

    text = "cli-test-key-0123456789abcdef0123456789"
    monkeypatch.setenv("TELEPRIVACY_KEY", text)
    scoped = key_from_text(text).for_recipient("acme-analytics")
    op = get_operator("encrypt_fpe").build({}, FieldContext("dst", (), pa.string(), scoped))
    (encrypted,) = op(pa.array(["5145550123"])).to_pylist()
    log = tmp_path / "audit.jsonl"
    base = ["reidentify", encrypted, "--field", "dst", "--legal-basis", "warrant 1",
            "--audit-log", str(log)]  # fmt: skip
    with pytest.raises(SystemExit) as exc:  # no scope given: a usage error
        main(base)
    assert exc.value.code == 2
    assert "one of the arguments --recipient --shared-scope is required" in capsys.readouterr().err
    assert main([*base, "--recipient", "acme-analytics"]) == ExitCode.OK
    assert capsys.readouterr().out.strip() == "5145550123"
    assert json.loads(log.read_text(encoding="utf-8"))["recipient"] == "acme-analytics"


def test_check_exits_3_when_a_delivery_is_denied(demo_workspace: Path, capsys):
    """The demo config denies third-party marketing: check says so and exits 3."""
    code = main(["check", str(demo_workspace / "demo.yaml")])
    out = capsys.readouterr().out
    assert code == ExitCode.BLOCKED
    assert "billing-marketing" in out
    assert "DENIED" in out


def test_generate_then_scan(tmp_path: Path, capsys):
    """generate writes labelled data; scan finds the phone column in it."""
    assert main(["generate", "--kind", "cdr", "--rows", "200", "--out", str(tmp_path)]) == 0
    assert main(["scan", str(tmp_path / "cdr.csv"), "--kind", "cdr"]) == 0
    out = capsys.readouterr().out
    assert "PHONE_NUMBER" in out
    assert "src" in out


def test_demo_configuration_allow_lists_the_generators_company():
    """The demo's allow list is exactly the synthetic provider's public identity."""
    import policy
    import synthetic
    from flows.commands import DEMO_CONFIG

    assert tuple(policy.load_config(DEMO_CONFIG).detection.allow_list) == (
        synthetic.COMPANY.allow_list
    )


def _cdr_config(path: Path, workspace: Path, rest: str) -> Path:
    """A configuration over the generated CDR file, followed by `rest` (YAML)."""
    path.write_text(
        "policy: voipms\n"
        f"datasets:\n  - {{name: cdr, kind: cdr, path: {workspace}/data/cdr/cdr.csv}}\n" + rest
    )
    return path


def test_check_exits_0_when_every_delivery_may_proceed(demo_workspace: Path, tmp_path, capsys):
    """One allowed delivery: the decision table, exit 0, nothing written beside the config."""
    config = _cdr_config(
        tmp_path / "ok.yaml",
        demo_workspace,
        "deliveries:\n  - {name: cdr-quality, dataset: cdr, recipient: acme-analytics,\n"
        "     recipient_class: analytics_vendor, purpose: service_quality}\n",
    )
    assert main(["check", str(config)]) == ExitCode.OK
    assert "cdr-quality" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.yaml"]


def test_check_with_a_broken_pack_names_the_file(tmp_path: Path, capsys):
    """A pack that is not a pack: exit 2, the pack file named, no traceback."""
    pack = tmp_path / "mypack.yaml"
    pack.write_text("name: broken\n")
    config = tmp_path / "c.yaml"
    config.write_text(f"policy: {pack}\ndatasets:\n  - {{name: cdr, kind: cdr, path: a.csv}}\n")
    assert main(["check", str(config)]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "mypack.yaml" in err and "Traceback" not in err


def test_bad_account_pattern_is_named_before_the_run(demo_workspace: Path, tmp_path, capsys):
    """A broken regular expression in `detection:` stops `run` with exit 2 and says which."""
    config = _cdr_config(
        tmp_path / "c.yaml", demo_workspace, "detection: {account_patterns: ['ACCT-(\\\\d+']}\n"
    )
    assert main(["run", str(config), "--out", str(tmp_path / "out")]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "account_patterns" in err and "not a valid regular expression" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


# A cp1252 billing export whose first non-ASCII bytes happen to be valid UTF-8: `\xc3\x89` (the
# mojibake "Ã‰" an earlier conversion left in a name). Detection then keeps UTF-8 and quarantines
# the records with cp1252 bytes (é, ô); declared `encoding: cp1252`, every record reads.
CP1252_BILLING = (
    "customer_id,name,email,phone,city\n"
    "C-1001,\x00COLE NORD,jo@example.com,514-555-0101,Laval\n"
    "C-1002,Zoé Tremblay,zoe@example.com,514-555-0102,Montréal\n"
    "C-1003,René Côté,rene@example.com,514-555-0103,Québec\n"
).encode("cp1252").replace(b"\x00", b"\xc3\x89")


def _cp1252_workspace(tmp_path: Path, encoding: str | None) -> Path:
    (tmp_path / "billing.csv").write_bytes(CP1252_BILLING)
    declared = f", encoding: {encoding}" if encoding else ""
    config = tmp_path / "pipeline.yaml"
    config.write_text(
        "policy: voipms\n"
        f"datasets:\n  - {{name: billing, kind: billing, path: billing.csv{declared}}}\n"
        "deliveries:\n  - {name: billing-debt, dataset: billing, recipient: northside,\n"
        "     recipient_class: debt_collector, purpose: debt_recovery}\n",
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("cp1252", "billing: 3 rows, none quarantined"),  # declared: honoured, all read
        (None, "billing: 1 row, 2 quarantined (invalid_utf8 2)"),  # detected: UTF-8 kept
    ],
)
def test_check_reads_a_dataset_in_its_declared_encoding(tmp_path, capsys, encoding, expected):
    """`check` reads each dataset as a run does, `encoding:` included, and says how many rows it
    read and quarantined."""
    config = _cp1252_workspace(tmp_path, encoding)
    assert main(["check", str(config)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert f"\n  {expected}\n" in out


def test_scan_reads_files_in_the_given_encoding(tmp_path: Path, capsys):
    """`scan --encoding cp1252` reads every record of a cp1252 file (the mojibake line
    included), quarantining none; without it, the records that are not UTF-8 are quarantined."""
    import json

    (tmp_path / "billing.csv").write_bytes(CP1252_BILLING)
    path = str(tmp_path / "billing.csv")
    assert main(["scan", path, "--encoding", "cp1252", "--json"]) == ExitCode.OK
    declared = json.loads(capsys.readouterr().out)
    assert (declared["rows_read"], declared["rows_quarantined"]) == (3, 0)
    assert main(["scan", path, "--json"]) == ExitCode.OK
    detected = json.loads(capsys.readouterr().out)
    assert (detected["rows_read"], detected["rows_quarantined"]) == (1, 2)


def test_output_piped_into_a_reader_that_leaves_early_is_no_error(demo_workspace: Path):
    """`teleprivacy check … | head -1`: no "unexpected BrokenPipeError", no traceback."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "TELEPRIVACY_KEY": "pipe-test-key-0123456789abcdef0123456789"}
    command = [sys.executable, "-m", "flows.cli", "check", str(demo_workspace / "demo.yaml")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, cwd=demo_workspace) as proc:  # fmt: skip
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader leaves before the table is written, as `head` may
        errors = proc.stderr.read().decode()
        code = proc.wait(timeout=120)
    assert "BrokenPipe" not in errors and "Traceback" not in errors, errors
    assert code == ExitCode.FAILURE  # as Python's docs advise: no message, and not success
