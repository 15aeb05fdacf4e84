"""Prefect tasks: each reads, calls one library function, and returns a typed summary.

Tasks pass paths and summaries, never DataFrames of raw data. Tasks that touch raw data keep
their results in memory only (`persist_result=False`); only I/O is retried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from prefect import get_run_logger, task

import detectors
import policy
import redaction
from detectors.findings import DatasetProfile, InputFingerprint
from detectors.settings import DetectionSettings
from flows.caching import profile_cache_key
from flows.progress import Progress
from policy.decisions import DeliveryDecision
from redaction.results import DeliveryResult
from reports.model import code_version
from storage import Location

IO_RETRIES = 2
IO_RETRY_DELAY_S = 2


@task(
    name="profile-dataset",
    task_run_name="profile {name}",
    retries=IO_RETRIES,
    retry_delay_seconds=IO_RETRY_DELAY_S,
    retry_condition_fn=lambda task, run, state: _is_transient(state),
    cache_key_fn=profile_cache_key,
    persist_result=True,  # profiles hold masked examples only, no raw values
)
def profile_dataset_task(
    name: str,
    kind: str,
    files: Sequence[Location],
    sample_rows: int,
    fmt: str | None,
    settings: DetectionSettings | None = None,
    header: bool = True,
    column_names: Sequence[str] | None = None,
    encoding: str | None = None,
    declared: Mapping[str, str] | None = None,
) -> DatasetProfile:
    """Profile a dataset's columns from a sample (CSV read as `resolve_header` decided, columns
    of the dataset's `schema:` as `declared`)."""
    return detectors.profile_dataset(
        name, kind, list(files), sample_rows=sample_rows, fmt=fmt, settings=settings,
        header=header, column_names=column_names, encoding=encoding,
        declared=detectors.DeclaredTypes.parse(declared, name),
    )  # fmt: skip


@task(name="evaluate-policy", task_run_name="evaluate {delivery.name}")
def evaluate_policy_task(
    pack: policy.PolicyPack,
    config: policy.PipelineConfig,
    delivery: policy.DeliverySpec,
    profile: DatasetProfile,
) -> DeliveryDecision:
    """Decide every field of one delivery against the policy pack, with the dataset's own
    declarations, as `check` decides (`policy.evaluate_configured`)."""
    return policy.evaluate_configured(pack, config, delivery, profile.fields)


@task(
    name="deliver-file",
    task_run_name="deliver {plan.delivery} part {part}",
    retries=IO_RETRIES,
    retry_delay_seconds=IO_RETRY_DELAY_S,
    retry_condition_fn=lambda task, run, state: _is_transient(state),
    persist_result=False,  # reads raw data
)
def deliver_file_task(
    plan: redaction.RedactionPlan,
    source: Location,
    out_dir: Path,
    part: int,
    fmt: str,
    input_format: str | None,
    expected_rows: int | None = None,
    manifest_dir: Path | None = None,
    settings: DetectionSettings | None = None,
    header: bool = True,
    column_names: Sequence[str] | None = None,
    profiled: InputFingerprint | None = None,
    encoding: str | None = None,
    quarantine_limit: float | None = None,
    declared: Mapping[str, str] | None = None,
) -> DeliveryResult:
    """Redact, write atomically and verify one input file of a delivery.

    An output whose inputs, plan and code are unchanged since the last run is reused (its
    manifest in `manifest_dir` says so); a policy change changes the plan, so it runs again.
    """
    label = f"deliver {plan.delivery} part {part}"
    progress = Progress(label, get_run_logger().info, expected_rows)
    return redaction.deliver(
        plan, [source], out_dir, fmt=fmt, input_format=input_format, part=part,
        progress=progress, manifest_dir=manifest_dir, reuse_tag=code_version(),
        settings=settings, header=header, column_names=column_names,
        profiled=None if profiled is None else [profiled], encoding=encoding,
        quarantine_limit=quarantine_limit,
        declared=detectors.DeclaredTypes.parse(declared, plan.dataset),
    )  # fmt: skip


def _is_transient(state) -> bool:
    """Retry only I/O failures that may pass: never policy, configuration or input errors."""
    try:
        state.result()
    except (OSError, TimeoutError) as exc:
        return not isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError)
    except Exception:
        return False
    return False
