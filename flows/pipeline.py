"""The Prefect flows: `scan`, `deliver` and `pipeline`. Orchestration only; logic lives below."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

import detectors
import policy
import redaction
import reports
from detectors.errors import UnreadableFileError
from detectors.findings import DatasetProfile
from detectors.reading import HeaderDecision, resolve_header
from flows.artifacts import publish_run_artifacts
from flows.cli import debug_enabled, describe_error, is_user_error
from flows.detection import detection_settings
from flows.exit_codes import ExitCode
from flows.tasks import deliver_file_task, evaluate_policy_task, profile_dataset_task
from policy.decisions import DeliveryDecision, DeliveryStatus
from redaction.publish import FailedDelivery, failed_delivery, publishing
from redaction.results import DeliveryOutcome, DeliveryResult
from reports.errors import HistoryError, ReportWriteError


@dataclass(frozen=True)
class RunOutcome:
    """What a flow run produced: where to look and how the CLI should exit."""

    exit_code: ExitCode
    report_json: Path | None
    report_html: Path | None
    deliveries_dir: Path | None
    summary: str
    denied: tuple[str, ...] = ()  # deliveries the policy refused
    unverified: tuple[str, ...] = ()  # deliveries blocked by the verification re-scan
    errors: tuple[str, ...] = ()  # one line per failed delivery or unwritten report


def _run_id() -> str:
    run_id = flow_run.get_id()
    return str(run_id) if run_id else datetime.now(UTC).strftime("local-%Y%m%dT%H%M%SZ")


def _profile_all(
    config: policy.PipelineConfig, names: Sequence[str] | None = None
) -> dict[str, DatasetProfile]:
    """Profile each dataset once, concurrently when the task runner allows."""
    settings = detection_settings(config)
    futures = {}
    for ds in config.datasets:
        if names is None or ds.name in names:
            header = _header(ds)
            futures[ds.name] = profile_dataset_task.submit(
                ds.name, str(ds.kind), ds.files(), config.sample_rows, ds.format, settings,
                header=header.header, column_names=header.column_names, encoding=ds.encoding,
            )  # fmt: skip
    profiles = {name: future.result() for name, future in futures.items()}
    return {name: _here(p, config.dataset(name).files()) for name, p in profiles.items()}


def _here(profile: DatasetProfile, files: Sequence[Path]) -> DatasetProfile:
    """A profile with its inputs at this run's paths.

    A cached profile may come from a run over the same bytes in another folder (the cache is
    keyed on file names and contents); its fingerprints then name that folder's files.
    """
    if [Path(f.path) for f in profile.inputs] == list(files):
        return profile
    moved = tuple(replace(f, path=str(path)) for f, path in zip(profile.inputs, files, strict=True))
    return replace(profile, inputs=moved, files=tuple(str(p) for p in files))


def _header(dataset: policy.DatasetSpec) -> HeaderDecision:
    """How the dataset's CSV files are read (line 1 names or data), decided from their heads."""
    return resolve_header(
        dataset.files(), dataset.format, dataset.header, str(dataset.kind), dataset.encoding
    )


def _dataset_infos(
    config: policy.PipelineConfig, profiles: dict[str, DatasetProfile]
) -> list[reports.DatasetInfo]:
    """Each profiled dataset as it was profiled: its files, sizes and digests then."""
    infos = []
    for ds in config.datasets:
        profile = profiles.get(ds.name)
        if profile is None:
            continue
        files = [Path(f.path) for f in profile.inputs]
        infos.append(
            reports.DatasetInfo(
                name=ds.name,
                kind=str(ds.kind),
                paths=tuple(f.path for f in profile.inputs),
                size_bytes=sum(f.size for f in profile.inputs),
                sha256=detectors.dataset_sha256(files, [f.sha256 for f in profile.inputs]),
            )
        )
    return infos


def _deliver_one(
    config: policy.PipelineConfig,
    decision: DeliveryDecision,
    key: redaction.Key | None,
    out_dir: Path,
    profile: DatasetProfile,
) -> DeliveryResult | None:
    """Stage each input file's part as its own task, then publish the delivery whole or not at all.

    The parts go to a staging folder and are published together in one rename
    (`redaction.publish`). A denied, blocked or failed delivery publishes nothing and withdraws
    what an earlier run published under its name; its result says so. An error while delivering
    becomes a `FailedDelivery` (the run is still reported; the CLI exits 2, or 1 for a bug).
    Returns None only for a denied delivery that had nothing published to withdraw.
    """
    name = decision.delivery
    manifests = out_dir / ".state" / "manifests" / name
    try:
        with publishing(out_dir / "deliveries", name) as stage:
            try:
                if decision.status is DeliveryStatus.DENIED:
                    return stage.deny(manifests)
                parts = _stage_parts(config, decision, key, stage.folder, profile, manifests)
                return stage.settle(parts, manifests)
            except Exception as exc:
                return stage.fail(*_error_line(name, exc), manifests)
    except Exception as exc:  # no staging folder or lock: nothing could be published or removed
        return failed_delivery(name, *_error_line(name, exc))


def _stage_parts(
    config: policy.PipelineConfig,
    decision: DeliveryDecision,
    key: redaction.Key | None,
    folder: Path,
    profile: DatasetProfile,
    manifests: Path,
) -> list[DeliveryResult]:
    """Deliver every profiled input file into `folder` as one part each, waiting for all of them
    (none may still be writing when the folder is published or removed). A delivery refused
    before any part is written is its one blocked result."""
    spec = config.delivery(decision.delivery)
    dataset = config.dataset(spec.dataset)
    gone = [Path(f.path).name for f in profile.inputs if not Path(f.path).exists()]
    if gone:
        raise UnreadableFileError(
            f"input {', '.join(gone)} of dataset {dataset.name!r} vanished after it was "
            "profiled; restore it, or run again to deliver what is there now"
        )
    refused = redaction.refuse_changed_inputs(spec.name, profile.inputs, folder)
    if refused is not None:
        return [refused]
    # the files that were profiled, not what the glob matches now: decisions were made on them
    files = [Path(f.path) for f in profile.inputs]
    header = _header(dataset)
    schema = detectors.read_schema(
        files[0], fmt=dataset.format, header=header.header, column_names=header.column_names,
        encoding=dataset.encoding,
    )  # fmt: skip
    settings = detection_settings(config)
    plan = redaction.build_plan(decision, schema, key, settings)
    fmt = spec.format or config.output_format
    expected = _expected_rows(profile)
    futures = [
        deliver_file_task.submit(
            plan,
            source,
            folder,
            part,
            fmt,
            dataset.format,
            rows,
            manifests,
            settings,
            header=header.header,
            column_names=header.column_names,
            profiled=profiled,
            encoding=dataset.encoding,
            quarantine_limit=(
                config.quarantine_threshold if config.on_quarantine == "block" else None
            ),
        )
        for part, (source, rows, profiled) in enumerate(
            zip(files, expected, profile.inputs, strict=True)
        )
    ]
    for future in futures:
        future.wait()
    return [future.result() for future in futures]


def _error_line(delivery: str, exc: Exception) -> tuple[str, bool]:
    """What stopped a delivery, in one line, and whether the user can fix it. An unexpected
    error is named by its type only (its message could quote data); --debug logs the traceback."""
    fixable = is_user_error(exc)
    error = describe_error(exc) if fixable else (
        f"unexpected {type(exc).__name__}; rerun with --debug for the traceback"
    )  # fmt: skip
    get_run_logger().error("delivery %s failed: %s", delivery, error, exc_info=debug_enabled())
    return error, fixable


def _expected_rows(profile: DatasetProfile) -> list[int]:
    """Each file's share of the profiled row count, by size: the ETA of its progress lines."""
    rows_read = profile.rows_read
    sizes = [f.size for f in profile.inputs]
    total = sum(sizes) or 1
    return [round(rows_read * size / total) for size in sizes]


@flow(name="scan", log_prints=False)
def scan_flow(config_path: str, out_dir: str) -> RunOutcome:
    """Profile every dataset of a configuration and write a scan report (nothing is delivered)."""
    started = datetime.now(UTC)
    config = policy.load_config(Path(config_path))
    pack = policy.load_pack(config.policy_ref)
    profiles = _profile_all(config)
    decisions = [
        evaluate_policy_task(pack, spec, profiles[spec.dataset], config.dataset(spec.dataset))
        for spec in config.deliveries
    ]
    return _finish(config, pack, None, profiles, decisions, [], Path(out_dir), started, "scan")


@flow(name="deliver", log_prints=False)
def deliver_flow(config_path: str, delivery: str, out_dir: str) -> RunOutcome:
    """Run one delivery of a configuration: evaluate policy, redact, verify, write, report."""
    started = datetime.now(UTC)
    config = policy.load_config(Path(config_path))
    pack = policy.load_pack(config.policy_ref)
    spec = config.delivery(delivery)
    key = redaction.load_key(config.key, secret_loader=_prefect_secret)
    profiles = _profile_all(config, [spec.dataset])
    decision = evaluate_policy_task(
        pack, spec, profiles[spec.dataset], config.dataset(spec.dataset)
    )
    result = _deliver_one(config, decision, key, Path(out_dir), profiles[spec.dataset])
    results = [result] if result else []
    return _finish(
        config, pack, key, profiles, [decision], results, Path(out_dir), started, "deliver"
    )


@flow(name="pipeline", log_prints=False)
def pipeline_flow(config_path: str, out_dir: str) -> RunOutcome:
    """Scan every dataset once, run every delivery, verify, and write the reports."""
    started = datetime.now(UTC)
    logger = get_run_logger()
    config = policy.load_config(Path(config_path))
    pack = policy.load_pack(config.policy_ref)
    # A run that needs a key and has none stops here, before any data is read.
    key = (
        redaction.load_key(config.key, secret_loader=_prefect_secret) if config.deliveries else None
    )
    logger.info(
        "pipeline: %d datasets, %d deliveries, policy %s %s, key %s",
        len(config.datasets),
        len(config.deliveries),
        pack.name,
        pack.version,
        key.key_id if key else "none",
    )
    profiles = _profile_all(config)
    decisions = [
        evaluate_policy_task(pack, spec, profiles[spec.dataset], config.dataset(spec.dataset))
        for spec in config.deliveries
    ]
    results = []
    for decision in decisions:
        profile = profiles[config.delivery(decision.delivery).dataset]
        result = _deliver_one(config, decision, key, Path(out_dir), profile)
        if result is not None:
            results.append(result)
            logger.info(
                "delivery %s: %s, %d rows in, %d out, %d quarantined, %d filtered",
                result.delivery,
                result.outcome,
                result.rows_in,
                result.rows_out,
                result.rows_quarantined,
                result.rows_filtered,
            )
        else:
            logger.warning("delivery %s: denied by policy", decision.delivery)
    return _finish(
        config, pack, key, profiles, decisions, results, Path(out_dir), started, "pipeline"
    )


def _prefect_secret(block_name: str) -> str:
    """Read a key from a Prefect Secret block; only flows/ touches Prefect."""
    from prefect.blocks.system import Secret

    return Secret.load(block_name).get()


def _finish(
    config: policy.PipelineConfig,
    pack: policy.PolicyPack,
    key: redaction.Key | None,
    profiles: dict[str, DatasetProfile],
    decisions: Sequence[DeliveryDecision],
    results: Sequence[DeliveryResult],
    out_dir: Path,
    started: datetime,
    flow_name: str,
) -> RunOutcome:
    """Build, write and record the run report; publish artifacts; pick the exit status.

    Failed deliveries are reported like blocked ones and set the exit status (2 when the user
    can fix the cause, 1 for a bug). A report or history that cannot be written (disk full, a
    read-only folder) is one more error: whichever of the two can be written still is.
    """
    history = reports.RunHistory(config.history_path or out_dir / "reports" / "history.sqlite")
    failed = [r for r in results if isinstance(r, FailedDelivery)]
    errors = [f"delivery {r.delivery}: {r.error}" for r in failed]
    try:
        previous = history.previous(config.sha256)
    except HistoryError as exc:
        previous = None
        errors.append(str(exc))
    run = reports.RunInfo(
        run_id=_run_id(),
        flow=flow_name,
        started_at=started,
        finished_at=datetime.now(UTC),
        policy_name=pack.name,
        policy_version=pack.version,
        policy_sha256=pack.sha256,
        key_id=key.key_id if key else None,
        config_path=str(config.path),
        config_sha256=config.sha256,
    )
    report = reports.build_run_report(
        run,
        _dataset_infos(config, profiles),
        list(profiles.values()),
        decisions,
        results,
        previous=previous,
        thresholds=reports.ReviewThresholds(quarantine_share=config.quarantine_threshold),
    )
    try:
        paths = reports.write_reports(report, out_dir / "reports")
    except ReportWriteError as exc:
        paths = None
        errors.append(str(exc))
    try:
        history.record(report)
    except HistoryError as exc:
        if str(exc) not in errors:
            errors.append(str(exc))
    html = paths.html if paths else None
    publish_run_artifacts(report, html)
    denied = tuple(d.delivery for d in decisions if d.status is DeliveryStatus.DENIED)
    unverified = tuple(
        r.delivery
        for r in results
        if r.outcome is DeliveryOutcome.BLOCKED
        and r.delivery not in denied
        and not isinstance(r, FailedDelivery)
    )
    if any(not r.user_fixable for r in failed):
        code = ExitCode.FAILURE
    elif errors:
        code = ExitCode.BAD_INPUT
    else:
        code = ExitCode.BLOCKED if denied or unverified else ExitCode.OK
    published = any(r.outcome is DeliveryOutcome.DELIVERED for r in results)
    return RunOutcome(
        exit_code=code,
        report_json=paths.json if paths else None,
        report_html=html,
        deliveries_dir=out_dir / "deliveries" if published else None,
        summary=reports.markdown_summary(report, html),
        denied=denied,
        unverified=unverified,
        errors=tuple(errors),
    )
