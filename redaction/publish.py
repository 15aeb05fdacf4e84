"""Publish a delivery whole or not at all: stage its parts, check them, rename the folder in.

Layout under the deliveries folder `root` (`<out>/deliveries`):

    root/<name>/                        the published delivery: every part of one run, verified,
                                        and its data dictionary (`redaction.dictionary`)
    root/.staging/<name>/.lock          held (flock) while a run stages, publishes or withdraws
    root/.staging/<name>/<run>/         the parts a run is writing (each via a hidden temp name)
    root/.staging/<name>/<run>.old/     the earlier published folder, moved aside while publishing

`publishing(root, name)` takes the lock and removes whatever a killed run left under
`.staging/<name>/`. `Stage.publish` checks that the staged folder holds exactly the delivered
parts with the verified digests, flushes them to disk, renames the published folder aside, renames
the staged folder to `root/<name>` and removes the old one. `Stage.withdraw` removes an earlier
run's folder the same way (aside, then delete): a reader sees the old parts, no folder, or the new
parts, never a mix. The protocol and what a reader sees at each step: docs/redaction.md,
"Publishing".
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import shutil
import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import detectors
from redaction import manifest
from redaction.delivery import combine_results
from redaction.dictionary import DOCUMENTS
from redaction.errors import OutputWriteError
from redaction.results import DeliveryOutcome, DeliveryResult, part_name

logger = logging.getLogger(__name__)
STAGING = ".staging"
LOCK = ".lock"


@dataclass(frozen=True)
class FailedDelivery(DeliveryResult):
    """A delivery stopped by an error (disk full, input vanished, a bug): nothing published."""

    error: str = ""  # one line, never a data value
    user_fixable: bool = True  # False for unexpected errors (exit 1 rather than 2)


def failed_delivery(
    delivery: str, error: str, user_fixable: bool, notes: Sequence[str] = ()
) -> FailedDelivery:
    """The result of a delivery that raised: BLOCKED, no output, the error first among reasons."""
    return FailedDelivery(
        delivery=delivery, outcome=DeliveryOutcome.BLOCKED, rows_in=0, rows_out=0,
        rows_quarantined=0, rows_filtered=0, output_path=None, output_sha256=None, key_id=None,
        blocked_reasons=(f"The delivery failed: {error}", *notes), error=error,
        user_fixable=user_fixable,
    )  # fmt: skip


def withdrawn_note(delivery: str, removed: int) -> str:
    """What a blocked, denied or failed delivery left published: nothing (and what it removed)."""
    head = f"Nothing was published under deliveries/{delivery}"
    if not removed:
        return f"{head}."
    return f"{head}; the {removed} part(s) an earlier run had published there were removed."


@dataclass
class Stage:
    """One delivery being staged under the lock: write its parts into `folder`, then publish."""

    delivery: str
    root: Path
    folder: Path  # where this run's parts are written
    _area: Path  # root/.staging/<name>

    @property
    def target(self) -> Path:
        """Where the delivery is published: `root/<name>`."""
        return self.root / self.delivery

    def publish(
        self,
        parts: Sequence[DeliveryResult],
        manifest_dir: Path | None = None,
        documents: Collection[str] = (),
    ) -> DeliveryResult:
        """Publish the staged parts as the delivery in one rename; their result, as published.

        Every part must be DELIVERED and its staged file must hold the digest verification
        recorded; the folder must hold those files, the `documents` staged beside them (the data
        dictionary, `redaction.dictionary.DOCUMENTS`) and nothing else. The earlier published folder
        is moved aside first and removed after. With `manifest_dir`, the parts' manifests are
        pointed at the published files (reuse in the next run) and other manifests are removed.
        """
        self._check_staged(parts, documents)
        _fsync_folder(self.folder, files=True)
        aside = self._area / f"{self.folder.name}.old"
        try:
            moved = _move_aside(self.target, aside)
            try:
                os.rename(self.folder, self.target)
            except OSError:
                if moved:
                    os.rename(aside, self.target)  # the earlier run stays published
                raise
        except OSError as exc:
            raise _write_error(self.delivery, self.root, exc) from None
        _fsync_folder(self.root)
        _remove(aside)
        published = [
            replace(
                p, output_path=str(self.target / part_name(Path(p.output_path or ""), self.folder))
            )
            for p in parts
        ]
        if manifest_dir is not None:
            names = {Path(p.output_path or "").name for p in published}
            for p in published:
                manifest.relocate(Path(manifest_dir), Path(p.output_path or ""))
            manifest.prune(Path(manifest_dir), keep=names)
        logger.info("delivery %s: %d part(s) published in %s", self.delivery, len(published),
                    self.target)  # fmt: skip
        return combine_results(published, self.target)

    def settle(
        self,
        parts: Sequence[DeliveryResult],
        manifest_dir: Path | None = None,
        documents: Collection[str] = (),
    ) -> DeliveryResult:
        """Publish the parts (and the `documents` staged beside them) when every part was
        delivered; otherwise publish nothing, withdraw an earlier run's parts and say so in the
        (blocked) result."""
        if parts and all(p.outcome is DeliveryOutcome.DELIVERED for p in parts):
            return self.publish(parts, manifest_dir, documents)
        blocked = combine_results(parts, self.folder)
        removed = self.withdraw(manifest_dir)
        if not removed:
            return blocked
        note = withdrawn_note(self.delivery, removed)
        return replace(blocked, blocked_reasons=(*blocked.blocked_reasons, note))

    def fail(
        self, error: str, user_fixable: bool, manifest_dir: Path | None = None
    ) -> FailedDelivery:
        """The result of a delivery stopped by an error: nothing published, an earlier run's
        parts withdrawn, both said in the result."""
        removed = self.withdraw(manifest_dir)
        return failed_delivery(
            self.delivery, error, user_fixable, notes=(withdrawn_note(self.delivery, removed),)
        )

    def deny(self, manifest_dir: Path | None = None) -> DeliveryResult | None:
        """A delivery the policy denied: withdraw an earlier run's parts. A result saying so when
        there were any (the report shows it), else None."""
        removed = self.withdraw(manifest_dir)
        if not removed:
            return None
        return DeliveryResult(
            delivery=self.delivery, outcome=DeliveryOutcome.BLOCKED, rows_in=0, rows_out=0,
            rows_quarantined=0, rows_filtered=0, output_path=None, output_sha256=None,
            key_id=None, blocked_reasons=(withdrawn_note(self.delivery, removed),),
        )  # fmt: skip

    def withdraw(self, manifest_dir: Path | None = None) -> int:
        """Remove an earlier run's published folder (aside, then delete); how many parts it held.

        Called when this run publishes nothing (blocked, denied, failed): what stays published
        must be what the report vouches for. The delivery's manifests go too.
        """
        if manifest_dir is not None:
            manifest.prune(Path(manifest_dir), keep=set())
        if not self.target.exists() and not self.target.is_symlink():
            return 0
        parts = _part_count(self.target)
        aside = self._area / f"{self.folder.name}.old"
        try:
            _move_aside(self.target, aside)
        except OSError as exc:
            raise _write_error(self.delivery, self.root, exc) from None
        _remove(aside)
        logger.warning("delivery %s: %d part(s) of an earlier run withdrawn from %s",
                       self.delivery, parts, self.target)  # fmt: skip
        return parts

    def _check_staged(self, parts: Sequence[DeliveryResult], documents: Collection[str]) -> None:
        """Every part was delivered, and the staged folder holds exactly the parts, each with
        its verified digest, and the documents: what either publisher needs before it publishes."""
        if not parts or any(p.outcome is not DeliveryOutcome.DELIVERED for p in parts):
            raise OutputWriteError(
                f"delivery {self.delivery!r}: only a delivery whose every part was delivered can "
                "be published"
            )
        expected = {part_name(Path(p.output_path or ""), self.folder): p for p in parts}
        present = set(_files(self.folder))
        wrong = []
        if present != set(expected) | set(documents):
            also = f" and the documents {sorted(documents)}" if documents else ""
            wrong.append(
                f"the staging folder holds {sorted(present)} but the delivered parts are "
                f"{sorted(expected)}{also}"
            )
        for name, part in expected.items():
            path = self.folder / name
            if Path(part.output_path or "") != path:
                wrong.append(f"part {name} was written to {part.output_path}, not {path}")
            elif path.is_file() and detectors.file_sha256(path) != part.output_sha256:
                wrong.append(f"part {name} no longer holds the bytes that were verified")
        if wrong:
            raise OutputWriteError(
                f"delivery {self.delivery!r} was not published: " + "; ".join(wrong)
            )


@contextlib.contextmanager
def publishing(root: Path, delivery: str) -> Iterator[Stage]:
    """Lock `delivery` under `root`, clear a killed run's leftovers, and yield a fresh stage.

    Whatever was not published is removed on exit; the lock ends with the process, so a killed
    run never blocks the next one. Another live run publishing the same delivery into the same
    folder is an `OutputWriteError`.
    """
    root = Path(root)
    area = root / STAGING / delivery
    try:
        area.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(delivery, root, exc) from None
    with _locked(area / LOCK, delivery, root):
        cleared = _clear(area)
        if cleared:
            logger.warning("delivery %s: removed %d leftover(s) of an interrupted run in %s",
                           delivery, cleared, area)  # fmt: skip
        folder = area / uuid.uuid4().hex[:12]
        try:
            folder.mkdir()
        except OSError as exc:
            raise _write_error(delivery, root, exc) from None
        try:
            yield Stage(delivery, root, folder, area)
        finally:
            _clear(area)
            # Leave no empty staging folders behind; the lock file goes last, still held.
            (area / LOCK).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                area.rmdir()
                area.parent.rmdir()


def folder_sha256(folder: Path) -> str:
    """The digest `combine_results` gives a delivery of several parts, from the part files in
    `folder` and its partition folders: SHA-256 of the sorted `<sha256>  <path>` lines (paths
    below `folder`, `day=2026-11-05/part-0.parquet`; the data dictionary's
    documents, which list the parts' digests, are not parts)."""
    lines = sorted(
        f"{detectors.file_sha256(Path(folder) / name)}  {name}"
        for name in _files(folder)
        if name not in DOCUMENTS
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@contextlib.contextmanager
def _locked(path: Path, delivery: str, root: Path) -> Iterator[None]:
    """An exclusive flock on `path`, retried when the file was replaced while we waited for it
    (a finishing run unlinks its lock file)."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise _write_error(delivery, root, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputWriteError(
                f"delivery {delivery!r} is being published into {root} by another teleprivacy "
                "run; wait for it to finish or use another output folder"
            ) from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # locked a file another run had just removed: take the current one
    try:
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _clear(area: Path) -> int:
    """Remove everything under `area` but the lock file; how many entries."""
    removed = 0
    for entry in area.iterdir() if area.exists() else ():
        if entry.name != LOCK:
            _remove(entry)
            removed += 1
    return removed


def _remove(path: Path) -> None:
    """Delete a file or a folder tree; gone already is fine."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _move_aside(target: Path, aside: Path) -> bool:
    """Rename the published folder out of the way; False when there is none."""
    try:
        os.rename(target, aside)
    except FileNotFoundError:
        return False
    return True


def _part_count(folder: Path) -> int:
    if not folder.is_dir():
        return 1
    return sum(1 for n in _files(folder) if not n.startswith(".") and n not in DOCUMENTS)


def _files(folder: Path) -> list[str]:
    """The files under `folder`, as `/`-joined paths below it (partitions are folders); a
    `FileNotFoundError` when `folder` is not there (rglob alone would list nothing)."""
    folder = Path(folder)
    next(folder.iterdir(), None)  # raises for a missing folder, as listing a flat one did
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _fsync_folder(folder: Path, files: bool = False) -> None:
    """Flush a folder's entries (and with `files`, its files) to disk before it is renamed, so a
    crash cannot publish names whose bytes were never written."""
    paths = [p for p in folder.rglob("*") if p.is_file()] if files else []
    if files:  # partition folders' entries too
        paths += [p for p in folder.rglob("*") if p.is_dir()]
    for path in [*paths, folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # file systems without fsync
                raise
        finally:
            os.close(fd)


def _write_error(delivery: str, root: Path, exc: OSError) -> OutputWriteError:
    """An `OutputWriteError` naming the folder and the system's reason, with the fix."""
    reason = exc.strerror or os.strerror(exc.errno or 0) or type(exc).__name__
    return OutputWriteError(
        f"delivery {delivery!r}: cannot publish into {root} ({reason}); make sure the output "
        "folder is a writable folder with free space"
    )
