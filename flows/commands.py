"""What each CLI command does. Library errors propagate to `flows.cli`, which prints them."""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import policy
from flows.detection import detection_settings
from flows.environment import ensure_prefect_home, prepare_output
from flows.exit_codes import ExitCode

if TYPE_CHECKING:
    from detectors.findings import DatasetProfile
    from storage import Location

DEMO_CONFIG = Path(policy.__file__).with_name("examples") / "demo.yaml"
DEMO_KEY_ENV = "TELEPRIVACY_KEY"
CHECK_READ_FACTOR = 20  # `check` reads at most this many times the sample size per dataset


def _say(message: str) -> None:
    print(message, file=sys.stdout, flush=True)


def _preflight(config_path: Path) -> policy.PipelineConfig:
    """Validate configuration, pack, key and input files before a flow starts.

    User mistakes surface here as one clear message instead of a failed flow run.
    """
    import detectors
    import redaction

    config = policy.load_config(config_path)
    policy.load_pack(config.policy_ref)
    detection_settings(config)  # a bad account pattern is named before any flow starts
    for dataset in config.datasets:
        dataset.files()
        detectors.DeclaredTypes.parse(dataset.declared_types, dataset.name)  # known types only
    if config.deliveries:
        redaction.load_key(config.key, secret_loader=_no_prefect_secret_here)
    return config


def _no_prefect_secret_here(block_name: str) -> str:
    """Preflight reads Secret blocks too, so a missing block fails before the flow."""
    from flows.pipeline import _prefect_secret

    return _prefect_secret(block_name)


def _print_outcome(outcome) -> int:
    _say(outcome.summary)
    if outcome.deliveries_dir:
        _say(f"\nRedacted outputs: {outcome.deliveries_dir}")
    if outcome.report_html:
        _say(f"Report:           {outcome.report_html}")
        _say(f"Report (JSON):    {outcome.report_json}")
    return int(outcome.exit_code)


def run(config_path: Path, out: Location, dask: str | None = None) -> int:
    outcome = _run_pipeline(config_path, out, dask)
    code = _print_outcome(outcome)
    _say_errors(outcome)
    return code


def _say_errors(outcome) -> None:
    """A run that failed to deliver or to report ends with one line on stderr saying why."""
    if outcome.errors:
        print(f"teleprivacy: error: {'; and '.join(outcome.errors)}", file=sys.stderr, flush=True)


def _run_pipeline(config_path: Path, out: Location, dask: str | None = None):
    config = _preflight(config_path)
    local = _local_output(out)
    prepare_output(local)  # a file or a read-only folder as --out: one line, before any server
    ensure_prefect_home()
    _use_local_server(local)  # before Prefect is imported: it reads PREFECT_API_URL once
    from flows.pipeline import pipeline_flow
    from flows.runners import with_task_runner

    flow = with_task_runner(pipeline_flow, dask or config.dask)
    return flow(str(config_path.resolve()), _out_argument(out))


def _local_output(out: Location) -> Path:
    """The local folder of a run: `out` itself, or for an object-store --out (`s3://…`) its
    work folder (`storage.work_dir`), after proving an object can be written and deleted there
    (bucket, credentials, permissions) — one line, exit 2, before any flow starts."""
    import storage

    if isinstance(out, storage.ObjectPath):
        storage.probe_writable(out)
    return storage.work_dir(out)


def _out_argument(out: Location) -> str:
    """--out as the flows take it: an absolute local path, or the URL as given."""
    return str(out) if not isinstance(out, Path) else str(out.resolve())


def demo(out: Path, rows: int = 2000) -> int:
    """Generate the three sample datasets next to a copy of the demo config and run it."""
    import os

    import synthetic

    prepare_output(out)
    data = out / "data"
    for kind in ("cdr", "billing", "tickets"):
        synthetic.generate(kind, rows, data / kind, seed=7)
    config = out / "demo.yaml"
    config.write_text(DEMO_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    if not os.environ.get(DEMO_KEY_ENV):
        os.environ[DEMO_KEY_ENV] = _demo_key(out)
        _say(f"demo: no {DEMO_KEY_ENV} set; using a demo key kept in {out / '.demo-key'}")
    _say(f"demo: generated {rows} rows each of cdr, billing and tickets under {data}")
    outcome = _run_pipeline(config, out)
    code = _print_outcome(outcome)
    _say_errors(outcome)
    if outcome.denied and not outcome.unverified and not outcome.errors:
        # The demo configuration includes deliveries the policy refuses, on purpose.
        _say(f"\ndemo: {', '.join(outcome.denied)} denied by policy, as the demo intends "
             "(`teleprivacy run` exits 3 for a denied delivery; the demo exits 0)")  # fmt: skip
        return int(ExitCode.OK)
    return code


def _demo_key(out: Path) -> str:
    """A random key for the demo only, created once with owner-only permissions."""
    path = out / ".demo-key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def scan(
    paths: list[Path],
    kind: str,
    fmt: str | None = None,
    header: bool | str = "auto",
    as_json: bool = False,
    encoding: str | None = None,
) -> int:
    """Profile files as a run reads them (`encoding` as a dataset's `encoding:` setting; None
    detects it) and print the profile."""
    import detectors
    import storage
    from detectors.reading import resolve_header

    # `s3://raw/cdr/*.csv` is expanded here (a shell expands only local globs)
    paths = [m for p in paths for m in (storage.glob(p) if storage.has_glob(p) else [p])]
    # Line 1 read as data when it holds values (auto), so no value becomes a column name.
    decided = resolve_header(paths, fmt, header, kind, encoding)
    profile = detectors.profile_dataset(
        "scan", kind, paths, fmt=fmt, header=decided.header, column_names=decided.column_names,
        encoding=encoding,
    )  # fmt: skip
    if as_json:
        _say(json.dumps(detectors.profile_as_json(profile), indent=2, ensure_ascii=False))
        return int(ExitCode.OK)
    _say(detectors.format_profile_table(profile))
    if profile.quarantined_count:
        _say(f"\n{profile.quarantined_count} malformed rows quarantined (see rows above).")
    return int(ExitCode.OK)


def check(config_path: Path) -> int:
    """Print the decision table of a configuration from a head sample of each dataset, read as a
    run reads it (header, format and `encoding:` settings)."""
    from flows.stages import profile_datasets, profile_here

    config = policy.load_config(config_path)
    pack = policy.load_pack(config.policy_ref)
    # A sample, not the whole dataset: check answers in seconds on a day of CDRs.
    read_rows = CHECK_READ_FACTOR * config.sample_rows
    here = profile_here(detection_settings(config), config.sample_rows, read_rows)
    done = profile_datasets(config, here, max_rows=read_rows)  # as `run` profiles and links
    for exc in [*done.unread.values(), done.link_error]:
        if exc is not None:
            raise exc  # the first dataset that cannot be read: one line, exit 2
    read, links = done.profiles, done.links
    profiles = {name: profile.fields for name, profile in read.items()}
    decisions = policy.evaluate_config(pack, config, profiles)
    _say(policy.format_decision_table(decisions))
    _say(_rows_read(read.values()))
    _say(_validated_counts(profiles))
    if links:
        _say("\ncolumns that link datasets (compared by keyed hashes, never in clear):")
        for link in links:
            _say(f"  {link.describe()}")
    denied = [d for d in decisions if d.status is policy.DeliveryStatus.DENIED]
    for decision in denied:
        _say(f"\nDENIED {decision.delivery}: " + "; ".join(decision.denial_reasons))
        for hint in decision.unblock_hints:
            _say(f"  to unblock: {hint}")
    return int(ExitCode.BLOCKED if denied else ExitCode.OK)


def _rows_read(profiles: Iterable[DatasetProfile]) -> str:
    """Per dataset, the rows `check` read and the records it quarantined, by class."""
    lines = ["\nrows read (a head sample of each dataset):"]
    for profile in profiles:
        quarantined = "none quarantined"
        if profile.quarantined_count:
            classes = ", ".join(f"{name} {n}" for name, n in profile.quarantined_by_class)
            quarantined = f"{profile.quarantined_count:,} quarantined ({classes})"
        rows = f"{profile.rows_read:,} row{'' if profile.rows_read == 1 else 's'}"
        lines.append(f"  {profile.dataset}: {rows}, {quarantined}")
    return "\n".join(lines)


def _validated_counts(profiles: dict) -> str:
    """Per dataset and column, the validated identifiers the sweep counted over the rows read."""
    lines = ["\nvalidated identifiers over the rows read (every row, not the sample):"]
    for dataset, fields in profiles.items():
        for field in fields:
            found = [
                f"{e.entity_type} {e.rows_found:,} of {field.rows_swept:,} rows"
                f" ({e.rows_found / field.rows_swept:.1%})"
                for e in field.entities
                if e.rows_found and field.rows_swept
            ]
            if found:
                lines.append(f"  {dataset}.{field.column}: " + ", ".join(found))
    return "\n".join(lines) if len(lines) > 1 else lines[0] + " none"


def generate(kind: str, rows: int, out: Path, seed: int) -> int:
    import synthetic

    result = synthetic.generate(kind, rows, out, seed=seed)
    _say(f"wrote {result.rows} {kind} rows to {result.data_path} (labels: {result.labels_path})")
    return int(ExitCode.OK)


def verify(path: Path, fmt: str | None = None, as_json: bool = False) -> int:
    """Every cell of every column of `path` (nested ones included) checked for personal data in
    clear: validated identifiers over all rows, names and addresses on a sample. Times are not
    counted (deliveries keep generalized ones on purpose). Exit 3 when anything is found.
    A folder (a delivery, flat or in partition folders) is checked file by file, all of it; with
    its data dictionary, a generalized column's own entity is not counted either (a /24 network
    still reads as an IP address), as the delivery's verification judges it."""
    import detectors
    from detectors.entities import DATE_TIME
    from detectors.reading import resolve_header

    paths = _data_files(path) if path.is_dir() else [path]
    decided = resolve_header(paths, fmt, "auto", "delivery")
    profile = detectors.profile_dataset(
        "verify", "delivery", paths, fmt=fmt, header=decided.header,
        column_names=decided.column_names,
    )  # fmt: skip
    generalized = _generalized_entities(path) if path.is_dir() else {}
    found = [
        (f.column, e.entity_type, e.rows_found)
        for f in profile.fields
        for e in f.entities
        if e.entity_type != DATE_TIME and e.entity_type not in generalized.get(f.column, ())
    ]
    if as_json:
        body = detectors.profile_as_json(profile)
        body["clean"] = not found
        _say(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        _say(detectors.format_profile_table(profile))
    if found:
        if not as_json:
            columns = sorted({column for column, _, _ in found})
            _say(f"\n{len(columns)} column(s) still hold personal data in clear: "
                 + ", ".join(columns))  # fmt: skip
        return int(ExitCode.BLOCKED)
    if not as_json:
        _say(f"\nNo personal data found in clear ({profile.rows_read:,} rows, every cell).")
    return int(ExitCode.OK)


def _generalized_entities(folder: Path) -> dict[str, tuple[str, ...]]:
    """Per generalized column of a delivery folder's data dictionary, the entities it held
    (none without a dictionary)."""
    from redaction.dictionary import DICTIONARY_FILE, read_dictionary

    if not (folder / DICTIONARY_FILE).is_file():
        return {}
    columns = read_dictionary(folder)["columns"]
    return {c["name"]: tuple(c["entity_types"]) for c in columns
            if c["transformation"] == "generalized"}  # fmt: skip


def _data_files(folder: Path) -> list[Path]:
    """The data files of a delivery folder and its partition folders (not its `_` documents)."""
    from detectors.errors import UnreadableFileError, UnsupportedFormatError
    from detectors.reading import detect_format

    def readable(path: Path) -> bool:  # a format the readers know by its name
        try:
            return bool(detect_format(path))
        except UnsupportedFormatError:
            return False

    files = sorted(p for p in folder.rglob("*") if p.is_file() and readable(p)
                   and not p.name.startswith(("_", ".")))  # fmt: skip
    if not files:
        raise UnreadableFileError(
            f"{folder}: no data files (.parquet, .csv, .jsonl) in it or its folders; give a "
            "delivery folder or a file"
        )
    return files


def describe(folder: Location, as_json: bool = False) -> int:
    """Print a delivery folder's data dictionary (`_dictionary.json`) as a table, or as JSON.
    A folder without one is a `DictionaryNotFoundError` (exit 2, one line). On an object store
    (`s3://…/deliveries/<name>`) the dictionary is the one its manifest lists."""
    import tempfile

    import storage
    from redaction.dictionary import format_dictionary, read_dictionary
    from redaction.object_publishing import fetch_documents

    if isinstance(folder, storage.ObjectPath):
        with tempfile.TemporaryDirectory(prefix="teleprivacy-describe-") as tmp:
            body = read_dictionary(fetch_documents(folder, Path(tmp)))
    else:
        body = read_dictionary(folder)
    _say(json.dumps(body, indent=2, ensure_ascii=False) if as_json else format_dictionary(body))
    return int(ExitCode.OK)


def evaluate(kind: str, rows: int, seed: int) -> int:
    import tempfile

    import detectors
    import synthetic

    kinds = ["cdr", "billing", "tickets"] if kind == "all" else [kind]
    # The generator's company is the one whose own names and numbers are not customer data.
    settings = detectors.DetectionSettings(allow_list=synthetic.COMPANY.allow_list)
    with tempfile.TemporaryDirectory(prefix="teleprivacy-eval-") as tmp:
        for k in kinds:
            data = Path(tmp) / k
            synthetic.generate(k, rows, data, seed=seed)
            if k == "tickets":
                scores = detectors.evaluate_tickets(data, settings)
            else:
                scores = detectors.evaluate_dataset(data, k, settings)
            _say(f"## {k} ({rows} rows, seed {seed})\n")
            _say(scores.format_table())
            _say("")
    return int(ExitCode.OK)


def serve(config_path: Path, out: Location, cron: str, name: str) -> int:
    config = _preflight(config_path)
    ensure_prefect_home()
    from flows.pipeline import pipeline_flow
    from flows.runners import with_task_runner

    with_task_runner(pipeline_flow, config.dask).serve(
        name=name,
        cron=cron,
        parameters={"config_path": str(config_path.resolve()), "out_dir": _out_argument(out)},
        tags=["teleprivacy"],
    )
    return int(ExitCode.OK)


def history(path: Path, limit: int) -> int:
    import reports

    if not path.exists():
        _say(f"no run history at {path} yet: it is written by `teleprivacy run`")
        return int(ExitCode.OK)
    _say(reports.format_history(reports.RunHistory(path).list(limit)))
    return int(ExitCode.OK)


def reidentify(
    values: list[str], field: str, legal_basis: str, audit_log: Path, recipient: str | None
) -> int:
    import redaction

    key = redaction.load_key(None)
    found = redaction.reidentify(values, key, field, legal_basis, audit_log, recipient=recipient)
    for value in found:
        _say(value)
    return int(ExitCode.OK)


def _use_local_server(out: Path) -> None:
    """Run against the local Prefect server, started on first use (flows/local_server.py). If it
    cannot start, this run uses Prefect's temporary server, as runs did before."""
    from flows import local_server

    try:
        use = local_server.use_local_server()
    except local_server.ServerStartError as exc:
        print(f"teleprivacy: warning: {exc}; this run uses Prefect's temporary server",
              file=sys.stderr, flush=True)  # fmt: skip
        return
    if use is not None and use.started:
        print(f"teleprivacy: started a local Prefect server for this and later runs at "
              f"{use.state.ui_url} (pid {use.state.pid}); `{_stop_command(out)}` stops it",
              file=sys.stderr, flush=True)  # fmt: skip


def _stop_command(out: Path) -> str:
    """The command that stops the server of this run's Prefect home."""
    from flows import local_server

    home = local_server.prefect_home()
    if home == (out / ".state" / "prefect").absolute():
        return f"teleprivacy server stop --out {out}"
    return f"PREFECT_HOME={home} teleprivacy server stop"  # the user chose the home


def _external_api(action: str) -> None:
    """`server start|stop` manage nothing when the user chose a Prefect API."""
    from flows import local_server

    if url := local_server.configured_api_url():
        raise local_server.ExternalServerError(
            f"PREFECT_API_URL is set ({_shown_url(url)}): runs use that server and teleprivacy "
            f"starts or stops none; unset it to {action} the local server"
        )


def _shown_url(url: str) -> str:
    """A URL without the user name and password it may carry."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def server_start(out: Path) -> int:
    from flows import local_server

    _external_api("start")
    home = local_server.prefect_home()
    use = local_server.ensure_server(home)
    state = use.state
    _say(f"local Prefect server {'started' if use.started else 'already running'} at "
         f"{state.ui_url} (pid {state.pid}, Prefect {state.prefect_version})")  # fmt: skip
    if local_server.wait_for_runner(home, local_server.START_TIMEOUT_S):
        _say("warm runner ready: runs fork from a process with Prefect imported")
    if local_server.server_mode() is local_server.ServerMode.EPHEMERAL:
        _say(f"note: {local_server.MODE_ENV}=ephemeral is set, so runs use Prefect's temporary "
             "server, not this one")  # fmt: skip
    else:
        _say(f"runs with --out {out} use it; `teleprivacy server stop --out {out}` stops it")
    return int(ExitCode.OK)


def server_stop(out: Path) -> int:
    from flows import local_server

    _external_api("stop")
    state = local_server.stop_server(local_server.prefect_home())
    if state is None:
        _say(f"no local Prefect server is recorded for --out {out}: nothing to stop")
    else:
        _say(f"stopped the local Prefect server at {state.ui_url} (pid {state.pid})")
    return int(ExitCode.OK)


def server_status(out: Path, as_json: bool = False) -> int:
    from flows import local_server

    home = local_server.prefect_home()
    external = local_server.configured_api_url()
    recorded = local_server.recorded_server(home)
    running = local_server.server_status(home)
    mode = local_server.server_mode()
    if external:
        uses, api = "PREFECT_API_URL", _shown_url(external)
        healthy = local_server.is_healthy(external)
    elif mode is local_server.ServerMode.EPHEMERAL:
        uses, api, healthy = "ephemeral", None, None
    else:
        uses, api = "local", running.url if running else None
        healthy = running is not None
    status = {
        "runs_use": uses,
        "api_url": api,
        "healthy": healthy,
        "local_server": {
            "running": running is not None,
            "url": recorded.url if recorded else None,
            "pid": recorded.pid if recorded else None,
            "prefect_version": recorded.prefect_version if recorded else None,
            "started": recorded.started if recorded else None,
            "prefect_home": str(home),
            "warm_runner": running is not None and local_server.runner_ready(home),
        },
    }
    if as_json:
        _say(json.dumps(status, indent=2))
        return int(ExitCode.OK)
    if external:
        _say(f"runs use PREFECT_API_URL {api} ({'healthy' if healthy else 'not answering'}); "
             "teleprivacy starts or stops no server then")  # fmt: skip
    elif mode is local_server.ServerMode.EPHEMERAL:
        _say(f"runs use Prefect's temporary server ({local_server.MODE_ENV}=ephemeral)")
    if running is not None:
        _say(f"local Prefect server running at {running.ui_url} (pid {running.pid}, Prefect "
             f"{running.prefect_version}, since {running.started})")  # fmt: skip
        warm = "ready" if status["local_server"]["warm_runner"] else "not ready (runs start cold)"
        _say(f"warm runner: {warm}")
    elif recorded is not None:
        _say(f"local Prefect server recorded at {recorded.ui_url} (pid {recorded.pid}) is not "
             "answering; the next run (or `teleprivacy server start`) replaces it")  # fmt: skip
    else:
        _say(f"no local Prefect server for --out {out}; the next `teleprivacy run --out {out}` "
             "starts one (or `teleprivacy server start`)")  # fmt: skip
    return int(ExitCode.OK)
