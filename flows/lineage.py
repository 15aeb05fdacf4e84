"""Send each delivery's OpenLineage events when lineage is configured; otherwise do nothing.

Configured the way openlineage-python is: an `openlineage.yml` (named by OPENLINEAGE_CONFIG, in
the working folder or in ~/.openlineage), OPENLINEAGE_URL, or OPENLINEAGE__TRANSPORT__*
variables. With none of them no client is created and openlineage is not even imported. The
events are built by `reports.lineage`; an event that cannot be sent is a warning naming the
delivery and the error's type, never a failed delivery. docs/lineage.md says how to turn it on.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows.cli import debug_enabled
from storage import Location, as_location

if TYPE_CHECKING:
    from detectors.findings import DatasetProfile
    from policy import PipelineConfig
    from policy.decisions import DeliveryDecision
    from redaction.results import DeliveryResult
    from reports.lineage import DeliveryLineage

NAMESPACE_ENV = "OPENLINEAGE_NAMESPACE"  # the job namespace, as in OpenLineage's integrations


def lineage_configured(
    environ: Mapping[str, str] | None = None, cwd: Path | None = None, home: Path | None = None
) -> bool:
    """Whether openlineage-python would find a configuration (and OPENLINEAGE_DISABLED is not
    true): the checks it makes, without importing it."""
    env = os.environ if environ is None else environ
    if env.get("OPENLINEAGE_DISABLED", "").strip().lower() == "true":
        return False
    if env.get("OPENLINEAGE_URL") or any(k.startswith("OPENLINEAGE__") for k in env):
        return True
    if env.get("OPENLINEAGE_CONFIG"):
        return True  # as for the client (which prints events when it cannot read that file)
    here = cwd or Path.cwd()
    home_dir = home or Path.home()
    return any(
        p.is_file()
        for p in (here / "openlineage.yml", home_dir / ".openlineage" / "openlineage.yml")
    )


class Lineage:
    """The lineage of one flow run's deliveries: `start` and `finish` each delivery, `close` at
    the end of the run. Off (every call returns at once) when lineage is not configured."""

    def __init__(
        self,
        config: PipelineConfig,
        out_dir: Location,
        flow_name: str,
        flow_run_id: str,
        namespace: str = "teleprivacy",
        enabled: bool = True,
    ) -> None:
        self.enabled = enabled
        self._config, self._out_dir = config, out_dir
        self._flow_name, self._flow_run_id, self._namespace = flow_name, flow_run_id, namespace
        self._client: Any = None  # an OpenLineageClient, made on the first event
        self._open: dict[str, tuple[str, DeliveryLineage]] = {}  # delivery -> (run id, lineage)

    @classmethod
    def for_run(
        cls,
        config: PipelineConfig,
        out_dir: Location,
        flow_name: str,
        flow_run_id: str,
        environ: Mapping[str, str] | None = None,
    ) -> Lineage:
        """On when openlineage-python is configured (`lineage_configured`), else off."""
        env = os.environ if environ is None else environ
        if not lineage_configured(env):
            return cls(config, out_dir, flow_name, flow_run_id, enabled=False)
        namespace = env.get(NAMESPACE_ENV) or "teleprivacy"
        return cls(config, out_dir, flow_name, flow_run_id, namespace)

    def start(self, decision: DeliveryDecision, profile: DatasetProfile | None) -> None:
        """Send the START event of a delivery about to run; `profile` None: its dataset was
        not read."""
        if not self.enabled:
            return
        try:
            from openlineage.client.uuid import generate_new_uuid

            from reports import lineage

            described = self._describe(decision, profile)
            run_id = str(generate_new_uuid())
            self._open[decision.delivery] = (run_id, described)
            event = lineage.start_event(described, run_id)
        except Exception as exc:
            _warn(f"the START event of delivery {decision.delivery}", exc)
            return
        self._emit(event, "START", decision.delivery)

    def finish(self, decision: DeliveryDecision, result: DeliveryResult | None) -> None:
        """Send the COMPLETE (published) or FAIL (denied, blocked, failed) event of a delivery."""
        if not self.enabled or decision.delivery not in self._open:
            return
        run_id, described = self._open.pop(decision.delivery)
        try:
            from reports import lineage

            event = lineage.end_event(described, run_id, result)
        except Exception as exc:
            _warn(f"the end event of delivery {decision.delivery}", exc)
            return
        self._emit(event, str(event.eventType.value), decision.delivery)

    def close(self) -> None:
        """End the run: a FAIL for every delivery started and never finished (the run stopped
        under it), then close the client (flushing what an asynchronous transport holds)."""
        if not self.enabled:
            return
        for _, described in list(self._open.values()):
            self.finish(described.decision, None)
        if self._client is not None:
            client, self._client = self._client, None
            try:
                client.close()
            except Exception as exc:
                _warn("the last events (closing the client)", exc)

    def _describe(
        self, decision: DeliveryDecision, profile: DatasetProfile | None
    ) -> DeliveryLineage:
        from reports import lineage

        parent = None
        if _is_uuid(self._flow_run_id):
            parent = lineage.ParentRun(self._flow_run_id, self._flow_name, self._namespace)
        # an object-store --out or input is named `s3://bucket` + key; a local one file://host
        target = as_location(self._out_dir) / "deliveries" / decision.delivery
        return lineage.delivery_lineage(
            decision,
            lineage.dataset_location(self._config.dataset(decision.dataset).path),
            lineage.dataset_location(target),
            profile,
            parent,
            self._namespace,
        )

    def _emit(self, event: Any, kind: str, delivery: str) -> None:
        if self._client is None:
            try:
                from openlineage.client import OpenLineageClient

                self._client = OpenLineageClient()
            except Exception as exc:  # a configuration it cannot use: say so once, then stop
                self.enabled = False
                _warn(f"the {kind} event of delivery {delivery} (nor any later one)", exc)
                return
        try:
            self._client.emit(event)
        except Exception as exc:
            _warn(f"the {kind} event of delivery {delivery}", exc)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _warn(what: str, exc: Exception) -> None:
    """One warning per event not sent: which, and the error's type without its message (that
    could hold an endpoint's credentials); --debug adds the traceback."""
    _logger().warning(
        "lineage: %s was not sent (%s); deliveries are not affected", what, type(exc).__name__,
        exc_info=debug_enabled(),
    )  # fmt: skip


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The flow run's logger inside a run, this module's outside one."""
    from prefect import get_run_logger
    from prefect.exceptions import MissingContextError

    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)
