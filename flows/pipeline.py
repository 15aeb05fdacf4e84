"""The Prefect flows: `scan`, `deliver` and `pipeline`. Orchestration only; logic lives below."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

import detectors
import policy
import redaction
import reports
from detectors.errors import UnreadableFileError
from detectors.findings import DatasetProfile
from flows.artifacts import publish_run_artifacts
from flows.cli import debug_enabled, describe_error, is_user_error
from flows.detection import detection_settings
from flows.exit_codes import ExitCode
from flows.lineage import Lineage
from flows.stages import Reading, profile_datasets
from flows.tasks import deliver_file_task, evaluate_policy_task, profile_dataset_task
from policy.decisions import DeliveryDecision, DeliveryStatus
from redaction.dictionary import build_dictionary, write_dictionary
from redaction.object_publishing import delivery_stage
from redaction.publish import FailedDelivery, failed_delivery
from redaction.results import DeliveryOutcome, DeliveryResult
from redaction.risk import climb_ladder
from reports.errors import HistoryError, ReportWriteError
from reports.model import utc_iso
from storage import Location, ObjectPath, StorageError, as_location, exists, upload, work_dir


@dataclass(frozen=True)
class RunOutcome:
    """What a flow run produced: where to look and how the CLI should exit."""

    exit_code: ExitCode
    report_json: Location | None  # an object URL when --out is in object storage
    report_html: Location | None
    deliveries_dir: Location | None
    summary: str
    denied: tuple[str, ...] = ()  # deliveries the policy refused
    unverified: tuple[str, ...] = ()  # deliveries blocked by the verification re-scan
    errors: tuple[str, ...] = ()  # one line per unread dataset, failed delivery, unwritten file


def _run_id() -> str:
    run_id = flow_run.get_id()
    return str(run_id) if run_id else datetime.now(UTC).strftime("local-%Y%m%dT%H%M%SZ")


# What stopped a dataset, a delivery or a run: one line (never a data value), and whether the user
# can fix it (exit 2) or it is a bug (exit 1).
Problem = tuple[str, bool]
LINKAGE_LABEL = "linkage"  # the sub-key that keys the hashes datasets are linked by


def _profile_all(
    config: policy.PipelineConfig,
    names: Sequence[str] | None = None,
    secret: bytes | None = None,
) -> tuple[dict[str, DatasetProfile], dict[str, Problem]]:
    """Profile each dataset once, concurrently when the task runner allows, then mark the
    columns that link datasets (`detectors.linkage`, hashes keyed with `secret`).

    A dataset that cannot be read (an input gone, undecodable, damaged) does not stop the
    others: it is returned among the problems, by name, and its deliveries do not run.
    """
    settings = detection_settings(config)

    def submit(reading: Reading) -> _Here:
        return _Here(profile_dataset_task.submit(
            reading.dataset, reading.kind, list(reading.files), config.sample_rows, reading.fmt,
            settings, header=reading.header, column_names=reading.column_names,
            encoding=reading.encoding, declared=reading.declared,
        ), reading.files)  # fmt: skip

    done = profile_datasets(config, submit, names, secret)
    unread = {name: _problem(f"dataset {name}", exc) for name, exc in done.unread.items()}
    if done.link_error is not None:
        for name in done.readings.keys() - done.unread.keys():
            unread[name] = _problem(f"dataset {name} (linking datasets)", done.link_error)
    for link in done.links:
        get_run_logger().info("linked: %s", link.describe())
    return done.profiles, unread


@dataclass(frozen=True)
class _Here:
    """A profile task's future whose result names this run's files (`_here`)."""

    future: Any
    files: Sequence[Location]

    def result(self) -> DatasetProfile:
        return _here(self.future.result(), self.files)


def _here(profile: DatasetProfile, files: Sequence[Location]) -> DatasetProfile:
    """A profile with its inputs at this run's paths.

    A cached profile may come from a run over the same bytes in another folder (the cache is
    keyed on file names and contents); its fingerprints then name that folder's files.
    """
    if [as_location(f.path) for f in profile.inputs] == list(files):
        return profile
    moved = tuple(replace(f, path=str(path)) for f, path in zip(profile.inputs, files, strict=True))
    return replace(profile, inputs=moved, files=tuple(str(p) for p in files))


def _dataset_infos(
    config: policy.PipelineConfig, profiles: dict[str, DatasetProfile]
) -> list[reports.DatasetInfo]:
    """Each profiled dataset as it was profiled: its files, sizes and digests then."""
    infos = []
    for ds in config.datasets:
        profile = profiles.get(ds.name)
        if profile is None:
            continue
        files = [as_location(f.path) for f in profile.inputs]
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
    out_dir: Location,
    profile: DatasetProfile,
    pack: policy.PolicyPack,
) -> DeliveryResult | None:
    """Stage each input file's part as its own task, then publish the delivery whole or not at all.

    The parts go to a staging folder and are published together in one rename
    (`redaction.publish`), with the data dictionary staged beside them. A denied, blocked or
    failed delivery publishes nothing and withdraws what an earlier run published under its name;
    its result says so. An error while delivering
    becomes a `FailedDelivery` (the run is still reported; the CLI exits 2, or 1 for a bug).
    Returns None only for a denied delivery that had nothing published to withdraw.
    """
    name = decision.delivery
    manifests = work_dir(out_dir) / ".state" / "manifests" / name
    try:  # a local --out publishes by renames, an object store by a manifest written last
        with delivery_stage(out_dir, name) as stage:
            try:
                if decision.status is DeliveryStatus.DENIED:
                    return stage.deny(manifests)
                parts, plan = _stage_parts(config, decision, key, stage.folder, profile, manifests)
                spec = config.delivery(name)
                keys = redaction.partition_keys(spec.partition_by or (), plan) if plan else ()
                fmt = config.output_format_for(spec)
                parts = _laid_out(parts, plan, manifests, keys, fmt, stage.folder)
                documents = _stage_dictionary(stage.folder, plan, decision, pack, parts, keys)
                return stage.settle(parts, manifests, documents)
            except Exception as exc:
                return stage.fail(*_error_line(name, exc), manifests)
    except Exception as exc:  # no staging folder or lock: nothing could be published or removed
        return failed_delivery(name, *_error_line(name, exc))


def _run_delivery(
    config: policy.PipelineConfig,
    pack: policy.PolicyPack,
    spec: policy.DeliverySpec,
    key: redaction.Key | None,
    out_dir: Location,
    profiles: dict[str, DatasetProfile],
    unread: dict[str, Problem],
    lineage: Lineage,
) -> tuple[DeliveryDecision, DeliveryResult | None]:
    """Evaluate one delivery and deliver it (`_deliver_one`). One whose dataset could not be read,
    or whose evaluation raised, does not run: it publishes nothing and withdraws what an earlier
    run published under its name, under a stand-in decision (`_unevaluated`). Its lineage
    events (when configured) are sent once it is evaluated and once it has ended."""
    problem: Problem | None = unread.get(spec.dataset)
    decision = _unevaluated(spec)
    if problem is None:
        try:
            decision = evaluate_policy_task(pack, config, spec, profiles[spec.dataset])
        except Exception as exc:
            problem = _error_line(spec.name, exc)
    lineage.start(decision, profiles.get(spec.dataset))
    if problem is not None:
        result: DeliveryResult | None = _withdrawn(out_dir, spec.name, problem)
    else:
        result = _deliver_one(config, decision, key, out_dir, profiles[spec.dataset], pack)
    lineage.finish(decision, result)
    return decision, result


def _unevaluated(spec: policy.DeliverySpec) -> DeliveryDecision:
    """The stand-in decision of a delivery the policy was not asked about because its run
    stopped first: no fields, no clause; its result says why it did not run."""
    return DeliveryDecision(
        delivery=spec.name, dataset=spec.dataset, recipient=spec.recipient,
        recipient_class=spec.recipient_class, purpose=spec.purpose, legal_basis=spec.legal_basis,
        status=DeliveryStatus.PROCEED, fields=(), token_scope=spec.token_scope,
        unblock_hints=("Fix what stopped it (the run's errors say what), then run again.",),
    )  # fmt: skip


def _withdrawn(out_dir: Location, delivery: str, problem: Problem) -> FailedDelivery:
    """The result of a delivery that did not run because of `problem`: nothing published, and
    what an earlier run had published under its name withdrawn (`Stage.fail`)."""
    manifests = work_dir(out_dir) / ".state" / "manifests" / delivery
    try:
        with delivery_stage(out_dir, delivery) as stage:
            return stage.fail(*problem, manifests)
    except Exception as exc:  # no staging folder or lock: nothing could be removed
        error, fixable = _error_line(delivery, exc)
        note = f"What an earlier run published under deliveries/{delivery} stays: {error}"
        return failed_delivery(delivery, problem[0], problem[1] and fixable, notes=(note,))


def _stage_parts(
    config: policy.PipelineConfig,
    decision: DeliveryDecision,
    key: redaction.Key | None,
    folder: Path,
    profile: DatasetProfile,
    manifests: Path,
) -> tuple[list[DeliveryResult], redaction.RedactionPlan | None]:
    """Deliver every profiled input file into `folder` as one part each, waiting for all of them
    (none may still be writing when the folder is published or removed); the parts' results and
    the plan they were written with (None when none was built). A delivery refused before any
    part is written is its one blocked result."""
    spec = config.delivery(decision.delivery)
    dataset = config.dataset(spec.dataset)
    gone = [as_location(f.path).name for f in profile.inputs if not exists(as_location(f.path))]
    if gone:
        raise UnreadableFileError(
            f"input {', '.join(gone)} of dataset {dataset.name!r} vanished after it was "
            "profiled; restore it, or run again to deliver what is there now"
        )
    refused = redaction.refuse_changed_inputs(spec.name, profile.inputs, folder)
    if refused is not None:
        return [refused], None
    # the files that were profiled, not what the glob matches now: decisions were made on them
    files = [as_location(f.path) for f in profile.inputs]
    reading = Reading.of(dataset, files)
    schema = detectors.read_schema(files[0], fmt=reading.fmt, **reading.options())
    settings = detection_settings(config)
    fmt = config.output_format_for(spec)
    expected = _expected_rows(profile)
    plans: list[redaction.RedactionPlan] = []

    def stage(decision: DeliveryDecision) -> list[DeliveryResult]:
        plan = redaction.build_plan(decision, schema, key, settings)
        redaction.partition_keys(spec.partition_by or (), plan)  # refused before any write
        plans.append(plan)
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
                header=reading.header,
                column_names=reading.column_names,
                profiled=profiled,
                encoding=reading.encoding,
                quarantine_limit=(
                    config.quarantine_threshold if config.on_quarantine == "block" else None
                ),
                declared=reading.declared,
            )
            for part, (source, rows, profiled) in enumerate(
                zip(files, expected, profile.inputs, strict=True)
            )
        ]
        for future in futures:
            future.wait()
        return [future.result() for future in futures]

    # The release gate's ladder: while the recipient's min k is out of reach, every generalized
    # quasi-identifier goes one step coarser (hour → day, /24 → /16) and all parts are redone.
    return climb_ladder(decision, stage), plans[-1] if plans else None


def _laid_out(
    parts: list[DeliveryResult],
    plan: redaction.RedactionPlan | None,
    manifests: Path,
    keys: Sequence[redaction.PartitionKey],
    fmt: str,
    folder: Path,
) -> list[DeliveryResult]:
    """Delivered parts given one schema (`redaction.settle_types`) and laid out in the
    partitions asked for (`redaction.partition`); others as they are."""
    if plan is None or not parts or any(p.outcome is not DeliveryOutcome.DELIVERED for p in parts):
        return parts
    parts = redaction.settle_types(parts, plan, manifests)
    if keys:
        parts = redaction.partition(parts, plan, keys, fmt, folder)
    return parts


def _stage_dictionary(
    folder: Path,
    plan: redaction.RedactionPlan | None,
    decision: DeliveryDecision,
    pack: policy.PolicyPack,
    parts: Sequence[DeliveryResult],
    keys: Sequence[redaction.PartitionKey] = (),
) -> tuple[str, ...]:
    """Stage the data dictionary (`_dictionary.json`, `_README.md`) beside the parts when every
    part was delivered, from the plan they were written with; the names staged (none otherwise)."""
    if plan is None or not parts or any(p.outcome is not DeliveryOutcome.DELIVERED for p in parts):
        return ()
    dictionary = build_dictionary(plan, decision, pack, parts, folder, keys)
    return write_dictionary(folder, dictionary)


def _error_line(delivery: str, exc: Exception) -> Problem:
    """What stopped a delivery, in one line, and whether the user can fix it. An unexpected
    error is named by its type only (its message could quote data); --debug logs the traceback."""
    error, fixable = _describe(exc)
    get_run_logger().error("delivery %s failed: %s", delivery, error, exc_info=debug_enabled())
    return error, fixable


def _problem(what: str, exc: Exception) -> Problem:
    """What stopped `what` (a dataset, the run), as `<what>: <one line>`, logged."""
    error, fixable = _describe(exc)
    get_run_logger().error("%s failed: %s", what, error, exc_info=debug_enabled())
    return f"{what}: {error}", fixable


def _describe(exc: Exception) -> Problem:
    fixable = is_user_error(exc)
    error = describe_error(exc) if fixable else (
        f"unexpected {type(exc).__name__}; rerun with --debug for the traceback"
    )  # fmt: skip
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
    run = _Run(config, pack, as_location(out_dir), "scan", started)
    profiles: dict[str, DatasetProfile] = {}
    decisions: list[DeliveryDecision] = []
    try:
        profiles, unread = _profile_all(config)
        run.problems += unread.values()
        for spec in config.deliveries:
            if spec.dataset in unread:
                decisions.append(_unevaluated(spec))
                continue
            try:
                decisions.append(evaluate_policy_task(pack, config, spec, profiles[spec.dataset]))
            except Exception as exc:
                run.problems.append(_problem(f"delivery {spec.name}", exc))
                decisions.append(_unevaluated(spec))
    except Exception as exc:
        run.problems.append(_problem("the run stopped", exc))
    return run.finish(None, profiles, decisions, [])


@flow(name="deliver", log_prints=False)
def deliver_flow(config_path: str, delivery: str, out_dir: str) -> RunOutcome:
    """Run one delivery of a configuration: evaluate policy, redact, verify, write, report."""
    with detectors.findings_cache():  # each text analysed once: profiled, delivered, verified
        return _deliver(config_path, delivery, out_dir)


def _deliver(config_path: str, delivery: str, out_dir: str) -> RunOutcome:
    started = datetime.now(UTC)
    config = policy.load_config(Path(config_path))
    pack = policy.load_pack(config.policy_ref)
    spec = config.delivery(delivery)
    run = _Run(config, pack, as_location(out_dir), "deliver", started)
    key: redaction.Key | None = None
    profiles: dict[str, DatasetProfile] = {}
    decisions: list[DeliveryDecision] = []
    results: list[DeliveryResult] = []
    try:
        key = redaction.load_key(config.key, secret_loader=_prefect_secret)
        # every dataset: a column of this one may link to ids in another (detectors.linkage)
        profiles, unread = _profile_all(config, secret=key.derive(LINKAGE_LABEL))
        run.problems += [problem for name, problem in unread.items() if name == spec.dataset]
        decision, result = _run_delivery(
            config, pack, spec, key, run.out_dir, profiles, unread, run.lineage
        )
        decisions.append(decision)
        results += [result] if result else []
    except Exception as exc:
        run.stop(exc, [spec], decisions, results)
    return run.finish(key, profiles, decisions, results)


@flow(name="pipeline", log_prints=False)
def pipeline_flow(config_path: str, out_dir: str) -> RunOutcome:
    """Scan every dataset once, run every delivery, verify, and write the reports."""
    with detectors.findings_cache():  # each text analysed once: profiled, delivered, verified
        return _pipeline(config_path, out_dir)


def _pipeline(config_path: str, out_dir: str) -> RunOutcome:
    started = datetime.now(UTC)
    logger = get_run_logger()
    config = policy.load_config(Path(config_path))
    pack = policy.load_pack(config.policy_ref)
    run = _Run(config, pack, as_location(out_dir), "pipeline", started)
    key: redaction.Key | None = None
    profiles: dict[str, DatasetProfile] = {}
    decisions: list[DeliveryDecision] = []
    results: list[DeliveryResult] = []
    try:
        # A run that needs a key and has none stops here, before any data is read.
        if config.deliveries:
            key = redaction.load_key(config.key, secret_loader=_prefect_secret)
        logger.info(
            "pipeline: %d datasets, %d deliveries, policy %s %s, key %s",
            len(config.datasets),
            len(config.deliveries),
            pack.name,
            pack.version,
            key.key_id if key else "none",
        )
        profiles, unread = _profile_all(config, secret=key.derive(LINKAGE_LABEL) if key else None)
        run.problems += unread.values()
        for spec in config.deliveries:
            decision, result = _run_delivery(
                config, pack, spec, key, run.out_dir, profiles, unread, run.lineage
            )
            decisions.append(decision)
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
    except Exception as exc:
        run.stop(exc, config.deliveries, decisions, results)
    return run.finish(key, profiles, decisions, results)


def _prefect_secret(block_name: str) -> str:
    """Read a key from a Prefect Secret block; only flows/ touches Prefect."""
    from prefect.blocks.system import Secret

    return Secret.load(block_name).get()


class _Run:
    """One flow run, recorded whatever happens once its configuration and pack are loaded.

    The history gets a `running` row as soon as the run starts (`RunHistory.start`); `finish`
    writes the report and replaces that row with the outcome. `problems` are what stopped a
    dataset, a delivery or the run: with any, the report's status is `failed` and the exit
    status 2 (1 when one is a bug).
    """

    def __init__(
        self,
        config: policy.PipelineConfig,
        pack: policy.PolicyPack,
        out_dir: Location,
        flow_name: str,
        started: datetime,
    ) -> None:
        self.config, self.pack, self.out_dir = config, pack, out_dir
        self.flow_name, self.started = flow_name, started
        self.run_id = _run_id()
        self.problems: list[Problem] = []
        self.lineage = Lineage.for_run(config, out_dir, flow_name, self.run_id)
        self.history = reports.RunHistory(
            config.history_path or work_dir(out_dir) / "reports" / "history.sqlite"
        )
        try:
            self.history.start(
                reports.RunSummary(
                    run_id=self.run_id, config_sha256=config.sha256,
                    config_path=str(config.path), started_at=utc_iso(started, "started_at"),
                    finished_at="", status=reports.RunStatus.RUNNING,
                    policy=f"{pack.name} {pack.version}", delivered=0, blocked=0, denied=0,
                    findings=0,
                )
            )  # fmt: skip
        except HistoryError as exc:
            self.problems.append((str(exc), True))

    def stop(
        self,
        exc: Exception,
        specs: Sequence[policy.DeliverySpec],
        decisions: list[DeliveryDecision],
        results: list[DeliveryResult],
    ) -> None:
        """The run raised: every delivery of `specs` it had not reached does not run either
        (nothing published, an earlier run's parts withdrawn), with the error as the reason."""
        problem = _problem("the run stopped", exc)
        self.problems.append(problem)
        reached = {d.delivery for d in decisions}
        for spec in specs:
            if spec.name not in reached:
                decisions.append(_unevaluated(spec))
                self.lineage.start(decisions[-1], None)
                results.append(_withdrawn(self.out_dir, spec.name, problem))
                self.lineage.finish(decisions[-1], results[-1])

    def finish(
        self,
        key: redaction.Key | None,
        profiles: dict[str, DatasetProfile],
        decisions: Sequence[DeliveryDecision],
        results: Sequence[DeliveryResult],
    ) -> RunOutcome:
        """Build, write and record the run report; publish artifacts; pick the exit status.

        Failed deliveries are reported like blocked ones and set the exit status (2 when the
        user can fix the cause, 1 for a bug). A report or history that cannot be written (disk
        full, a read-only folder) is one more error, and the other of the two still says so.
        """
        config, out_dir = self.config, self.out_dir
        local = work_dir(out_dir)  # reports are written here, then uploaded to an object store
        self.lineage.close()  # a FAIL for any delivery started and not ended
        failed = [r for r in results if isinstance(r, FailedDelivery)]
        problems: dict[str, bool] = dict(self.problems)  # each line once, in order
        for r in failed:
            if r.error in problems:  # a dataset's or the run's problem, said once
                problems[r.error] = problems[r.error] and r.user_fixable
            else:
                problems[f"delivery {r.delivery}: {r.error}"] = r.user_fixable
        try:
            previous = self.history.previous(config.sha256, exclude_run_id=self.run_id)
        except HistoryError as exc:
            previous = None
            problems[str(exc)] = True
        run = reports.RunInfo(
            run_id=self.run_id,
            flow=self.flow_name,
            started_at=self.started,
            finished_at=datetime.now(UTC),
            policy_name=self.pack.name,
            policy_version=self.pack.version,
            policy_sha256=self.pack.sha256,
            key_id=key.key_id if key else None,
            config_path=str(config.path),
            config_sha256=config.sha256,
        )

        def build() -> reports.RunReport:
            return reports.build_run_report(
                run,
                _dataset_infos(config, profiles),
                list(profiles.values()),
                decisions,
                results,
                previous=previous,
                thresholds=reports.ReviewThresholds(quarantine_share=config.quarantine_threshold),
                errors=list(problems),
            )

        report = build()
        paths = None
        try:
            paths = reports.write_reports(report, local / "reports")
        except ReportWriteError as exc:
            problems[str(exc)] = True
            report = build()  # the history says the report is missing
        try:
            self.history.record(report)
        except HistoryError as exc:
            problems[str(exc)] = True
            report = build()
            if paths is not None:  # the report says the history is missing
                with contextlib.suppress(ReportWriteError):
                    reports.write_reports(report, local / "reports")
        shown: tuple[Location, Location] | None = (paths.json, paths.html) if paths else None
        if paths is not None and isinstance(out_dir, ObjectPath):
            try:
                shown = _upload_reports(paths, out_dir / "reports")
            except StorageError as exc:
                problems[f"the report was not uploaded: {exc}"] = True
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
        if not all(problems.values()):
            code = ExitCode.FAILURE
        elif problems:
            code = ExitCode.BAD_INPUT
        else:
            code = ExitCode.BLOCKED if denied or unverified else ExitCode.OK
        published = any(r.outcome is DeliveryOutcome.DELIVERED for r in results)
        return RunOutcome(
            exit_code=code,
            report_json=shown[0] if shown else None,
            report_html=shown[1] if shown else None,
            deliveries_dir=out_dir / "deliveries" if published else None,
            summary=reports.markdown_summary(report, html),
            denied=denied,
            unverified=unverified,
            errors=tuple(problems),
        )


def _upload_reports(paths: reports.ReportPaths, folder: ObjectPath) -> tuple[Location, Location]:
    """Copy `report.json` and `report.html` to the object-store --out (the history stays in the
    local work folder: SQLite needs a file system); where they are now."""
    uploaded = []
    for path in (paths.json, paths.html):
        upload(path, folder / path.name)
        uploaded.append(folder / path.name)
    return uploaded[0], uploaded[1]
