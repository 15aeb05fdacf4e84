"""Publish a delivery on an object store, which has no rename: parts first, the manifest last.

Layout under the deliveries prefix `root` (`<out>/deliveries`, e.g. `s3://bucket/out/deliveries`):

    root/<name>/_manifest.json          the published delivery: which run's objects are in it,
                                        each with its size and SHA-256. Written last, in one PUT
    root/<name>/run-<id>/<parts…>       the parts and data dictionary of one run, uploaded
                                        before its manifest; only the manifest makes them count

The parts are written and verified in a local staging folder exactly as for a local `--out`
(`redaction.publish.publishing` on the run's work folder: lock, leftovers of killed runs
cleared). `ObjectStage.publish` checks them, uploads each under a fresh `run-<id>/` prefix,
then puts the manifest, then deletes every other object under `root/<name>/` (the earlier
run's, and what crashed runs uploaded and never listed). A reader (and every rerun) trusts only
what the manifest lists (`published_objects`): before the manifest's PUT it lists the earlier
run's parts, after it this run's, never a mix; a crash before that PUT publishes nothing, and
the next run sweeps the unlisted objects away. Withdrawing deletes the manifest first, then the
objects. docs/redaction.md, "Publishing on object stores", says what a reader sees when.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redaction import manifest
from redaction.delivery import combine_results
from redaction.errors import DictionaryNotFoundError, OutputWriteError
from redaction.publish import Stage, publishing
from redaction.results import DeliveryResult, part_name
from storage import (
    Location,
    ObjectPath,
    StorageError,
    delete,
    delete_prefix,
    file_state,
    list_objects,
    read_bytes,
    upload,
    work_dir,
    write_bytes,
)

logger = logging.getLogger(__name__)
MANIFEST = "_manifest.json"
MANIFEST_VERSION = 1
RUN_PREFIX = "run-"


@dataclass
class ObjectStage(Stage):
    """A delivery staged locally (`folder`) and published under `remote/<name>` in object
    storage by writing its manifest last."""

    remote: ObjectPath | None = None  # the deliveries prefix: <out>/deliveries

    @property
    def target(self) -> ObjectPath:  # type: ignore[override]
        """Where the delivery is published: `remote/<name>` (its manifest names the parts)."""
        assert self.remote is not None  # set by `object_publishing`
        return self.remote / self.delivery

    def publish(
        self,
        parts: Sequence[DeliveryResult],
        manifest_dir: Path | None = None,
        documents: Collection[str] = (),
    ) -> DeliveryResult:
        """Upload the staged parts and documents under a fresh run prefix, then write the
        manifest (the moment of publishing), then delete every object the manifest does not
        list; the parts' result, as published (object URLs)."""
        self._check_staged(parts, documents)
        run = self.target / f"{RUN_PREFIX}{self.folder.name}"
        digests = {
            part_name(Path(p.output_path or ""), self.folder): p.output_sha256 for p in parts
        }
        listed: dict[str, list[dict[str, Any]]] = {"parts": [], "documents": []}
        try:
            for name in sorted(set(digests) | set(documents)):
                local = self.folder / name
                size = upload(local, run / name)
                if file_state(run / name).size != size:
                    raise OutputWriteError(
                        f"delivery {self.delivery!r}: {run / name} does not hold the "
                        f"{size} bytes uploaded; run the delivery again"
                    )
                entry = {"file": name, "key": f"{run.name}/{name}", "size": size,
                         "sha256": digests.get(name) or _sha256(local)}  # fmt: skip
                listed["parts" if name in digests else "documents"].append(entry)
            published = [
                replace(p, output_path=str(run / part_name(Path(p.output_path or ""), self.folder)))
                for p in parts
            ]
            combined = combine_results(published, run)
            body = {
                "manifest_version": MANIFEST_VERSION,
                "delivery": self.delivery,
                "run": run.name,
                "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "output_sha256": combined.output_sha256,
                **listed,
            }
            write_manifest(self.target / MANIFEST, body)  # published from here on
        except (StorageError, OSError) as exc:
            raise _write_error(self.delivery, self.target, exc) from None
        swept = _sweep(self.target, keep=run)
        if manifest_dir is not None:  # no reuse across runs on an object store: parts go away
            manifest.prune(Path(manifest_dir), keep=set())
        logger.info("delivery %s: %d part(s) published under %s (%d earlier object(s) removed)",
                    self.delivery, len(published), run, swept)  # fmt: skip
        return combined

    def withdraw(self, manifest_dir: Path | None = None) -> int:
        """Unpublish an earlier run: its manifest first (from then on nothing is published),
        then every object under `remote/<name>/`; how many parts it listed."""
        if manifest_dir is not None:
            manifest.prune(Path(manifest_dir), keep=set())
        try:
            body = read_manifest(self.target)
            if body is not None:
                delete(self.target / MANIFEST)
            swept = _sweep(self.target, keep=None)
        except (StorageError, OSError) as exc:
            raise _write_error(self.delivery, self.target, exc) from None
        parts = len(body["parts"]) if body else 0
        if parts:
            logger.warning("delivery %s: %d part(s) of an earlier run withdrawn from %s",
                           self.delivery, parts, self.target)  # fmt: skip
        elif swept:
            logger.warning("delivery %s: removed %d unpublished object(s) of an interrupted run "
                           "under %s", self.delivery, swept, self.target)  # fmt: skip
        return parts


@contextlib.contextmanager
def object_publishing(root: ObjectPath, delivery: str, scratch: Path) -> Iterator[ObjectStage]:
    """Stage `delivery` in the local `scratch` folder (locked, killed runs' leftovers cleared,
    as `publishing`) and yield a stage that publishes it under `root/<delivery>`."""
    with publishing(scratch, delivery) as stage:
        yield ObjectStage(stage.delivery, stage.root, stage.folder, stage._area, remote=root)


def delivery_stage(out: Location, delivery: str) -> contextlib.AbstractContextManager[Stage]:
    """The stage of `delivery` for a run's `--out`: a local folder is published by renames
    (`publishing`), an object store by a manifest written last (`object_publishing`)."""
    if isinstance(out, ObjectPath):
        return object_publishing(out / "deliveries", delivery, work_dir(out) / "deliveries")
    return publishing(out / "deliveries", delivery)


def write_manifest(path: ObjectPath, body: dict[str, Any]) -> None:
    """Put the manifest in one PUT: a reader sees the earlier one or this one, whole."""
    write_bytes(path, json.dumps(body, indent=2, sort_keys=True).encode("utf-8"))


def read_manifest(target: ObjectPath) -> dict[str, Any] | None:
    """The manifest of the delivery published at `target` (`<out>/deliveries/<name>`), or None
    when nothing is published there."""
    try:
        raw = read_bytes(target / MANIFEST)
    except FileNotFoundError:
        return None
    try:
        body = json.loads(raw)
    except ValueError:
        raise OutputWriteError(
            f"{target / MANIFEST} is not a manifest this version wrote; run the delivery again"
        ) from None
    if not isinstance(body, dict) or body.get("manifest_version") != MANIFEST_VERSION:
        raise OutputWriteError(
            f"{target / MANIFEST} is not a manifest this version wrote; run the delivery again"
        )
    return body


def published_objects(target: ObjectPath, documents: bool = False) -> list[ObjectPath]:
    """The part objects (with `documents`, the data dictionary's too) the manifest at `target`
    lists: what a reader of the delivery may read. `[]` when nothing is published."""
    body = read_manifest(target)
    if body is None:
        return []
    entries = body["parts"] + (body["documents"] if documents else [])
    return [target / e["key"] for e in entries]


def fetch_documents(target: ObjectPath, folder: Path) -> Path:
    """Download the data dictionary documents the manifest at `target` lists into `folder`
    (`teleprivacy describe s3://…`); `folder`. Nothing published there is a
    `DictionaryNotFoundError`."""
    body = read_manifest(target)
    if body is None:
        raise DictionaryNotFoundError(
            f"nothing is published at {target} (no {MANIFEST}); give a delivery such as "
            "s3://bucket/out/deliveries/<delivery>, or run the delivery"
        )
    for entry in body["documents"]:
        (folder / entry["file"]).write_bytes(read_bytes(target / entry["key"]))
    return folder


def _sweep(target: ObjectPath, keep: ObjectPath | None) -> int:
    """Delete every object under `target` but the manifest and the run prefix `keep` (all of
    them when `keep` is None), a whole run prefix at a time; how many objects."""
    removed = 0
    prefixes: set[ObjectPath] = set()
    for found in list_objects(target):
        if found.parent == target:  # the manifest, or a stray object
            if found.name != MANIFEST or keep is None:
                delete(found)
                removed += 1
            continue
        prefix = target / found.relative_to(target).split("/", 1)[0]
        if prefix != keep:
            prefixes.add(prefix)
            removed += 1
    for prefix in sorted(prefixes):
        delete_prefix(prefix)
    return removed


def _sha256(path: Path) -> str:
    import detectors

    return detectors.file_sha256(path)


def _write_error(delivery: str, target: ObjectPath, exc: BaseException) -> OutputWriteError:
    """An `OutputWriteError` naming where publishing failed and the store's reason."""
    if isinstance(exc, OutputWriteError):
        return exc
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return OutputWriteError(
        f"delivery {delivery!r}: cannot publish under {target} ({reason}); nothing new was "
        "published (readers trust only the manifest); check the store's credentials and "
        "permissions and run again"
    )


__all__ = [
    "MANIFEST", "ObjectStage", "delivery_stage", "fetch_documents", "object_publishing",
    "published_objects", "read_manifest",
]  # fmt: skip
