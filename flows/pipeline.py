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
from detectors.findings import DatasetProfile
from detectors.reading import HeaderDecision, resolve_header
from flows.artifacts import publish_run_artifacts
from flows.detection import detection_settings
from flows.exit_codes import ExitCode
from flows.tasks import deliver_file_task, evaluate_policy_task, profile_dataset_task
from policy.decisions import DeliveryDecision, DeliveryStatus
from redaction.results import DeliveryOutcome, DeliveryResult


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
                header=header.header, column_names=header.column_names,
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
    moved = tuple(
        replace(f, path=str(path)) for f, path in zip(profile.inputs, files, strict=True)
    )
    return replace(profile, inputs=moved, files=tuple(str(p) for p in files))


def _header(dataset: policy.DatasetSpec) -> HeaderDecision:
    """How the dataset's CSV files are read (line 1 names or data), decided from their heads."""
    return resolve_header(dataset.files(), dataset.format, dataset.header, str(dataset.kind))


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
    """Build the plan once, deliver each input file as its own task, and combine the results."""
    if decision.status is DeliveryStatus.DENIED:
        return None
    spec = config.delivery(decision.delivery)
    dataset = config.dataset(spec.dataset)
    target = out_dir / "deliveries" / spec.name
    refused = redaction.refuse_changed_inputs(spec.name, profile.inputs, target)
    if refused is not None:
        return refused
    # the files that were profiled, not what the glob matches now: decisions were made on them
    files = [Path(f.path) for f in profile.inputs]
    header = _header(dataset)
    schema = detectors.read_schema(
        files[0], fmt=dataset.format, header=header.header, column_names=header.column_names
    )
    settings = detection_settings(config)
    plan = redaction.build_plan(decision, schema, key, settings)
    fmt = spec.format or config.output_format
    expected = _expected_rows(profile)
    manifests = out_dir / ".state" / "manifests" / spec.name
    futures = [
        deliver_file_task.submit(
            plan,
            source,
            target,
            part,
            fmt,
            dataset.format,
            rows,
            manifests,
            settings,
            header=header.header,
            column_names=header.column_names,
            profiled=profiled,
        )
        for part, (source, rows, profiled) in enumerate(
            zip(files, expected, profile.inputs, strict=True)
        )
    ]
    return redaction.combine_results([f.result() for f in futures])


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
        evaluate_policy_task(
            pack, spec, profiles[spec.dataset], str(config.dataset(spec.dataset).kind)
        )
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
    kind = str(config.dataset(spec.dataset).kind)
    decision = evaluate_policy_task(pack, spec, profiles[spec.dataset], kind)
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
        evaluate_policy_task(
            pack, spec, profiles[spec.dataset], str(config.dataset(spec.dataset).kind)
        )
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
    """Build, write and record the run report; publish artifacts; pick the exit status."""
    history = reports.RunHistory(config.history_path or out_dir / "reports" / "history.sqlite")
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
        previous=history.previous(config.sha256),
    )
    paths = reports.write_reports(report, out_dir / "reports")
    history.record(report)
    publish_run_artifacts(report, paths.html)
    denied = tuple(d.delivery for d in decisions if d.status is DeliveryStatus.DENIED)
    unverified = tuple(r.delivery for r in results if r.outcome is DeliveryOutcome.BLOCKED)
    return RunOutcome(
        exit_code=ExitCode.BLOCKED if denied or unverified else ExitCode.OK,
        report_json=paths.json,
        report_html=paths.html,
        deliveries_dir=out_dir / "deliveries" if results else None,
        summary=reports.markdown_summary(report, paths.html),
        denied=denied,
        unverified=unverified,
    )
