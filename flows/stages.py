"""The stages every command shares, defined once: how a dataset is read, how the datasets of a
configuration are profiled and linked, and how a delivery is decided.

`teleprivacy check` stops after deciding (a head sample of each dataset, in this process);
`scan_flow` after deciding (every row, a report); `run` and the deliver flow go on to deliver.
The flows hand `profile_datasets` a function that submits each profile as a Prefect task;
`check` one that profiles right here. Either way the same reading, the same linkage and the
same evaluation decide, so `check` and `run` cannot disagree on a configuration (a test runs
both).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import detectors
import policy
from detectors.findings import DatasetProfile
from detectors.linkage import Link, LinkInput, link_datasets
from detectors.reading import resolve_header
from detectors.settings import DetectionSettings
from storage import Location


class Pending(Protocol):
    """What a profile function returns: a Prefect future, or a profile already made."""

    def result(self) -> DatasetProfile: ...


@dataclass(frozen=True)
class Done:
    """A profile made in this process, shaped like a future."""

    profile: DatasetProfile

    def result(self) -> DatasetProfile:
        return self.profile


@dataclass(frozen=True)
class Reading:
    """How one dataset's files are read, decided once per run and used by every stage: which
    files, their format, whether line 1 holds names (`resolve_header`), the encoding and the
    declared types (`schema:`)."""

    dataset: str
    kind: str
    files: tuple[Location, ...]
    fmt: str | None
    header: bool
    column_names: tuple[str, ...] | None
    encoding: str | None
    declared: Mapping[str, str] | None

    @classmethod
    def of(
        cls, dataset: policy.DatasetSpec, files: Sequence[Location] | None = None
    ) -> Reading:
        """The reading of `dataset` (of `files`, else of the files its path matches now), its
        header decided from their heads."""
        files = tuple(dataset.files() if files is None else files)
        decided = resolve_header(
            list(files), dataset.format, dataset.header, str(dataset.kind), dataset.encoding
        )
        detectors.DeclaredTypes.parse(dataset.declared_types, dataset.name)  # known types only
        return cls(
            dataset.name, str(dataset.kind), files, dataset.format, decided.header,
            decided.column_names, dataset.encoding, dataset.declared_types,
        )  # fmt: skip

    def options(self) -> dict[str, Any]:
        """`read_batches`' keywords (besides the files and the format) for this dataset."""
        return {
            "header": self.header,
            "column_names": self.column_names,
            "encoding": self.encoding,
            "declared": detectors.DeclaredTypes.parse(self.declared, self.dataset),
        }

    def link_input(self, profile: DatasetProfile, max_rows: int | None = None) -> LinkInput:
        return LinkInput(profile, self.files, self.fmt, self.header, self.column_names,
                         self.encoding, max_rows=max_rows)  # fmt: skip


ProfileOne = Callable[[Reading], Pending]


@dataclass
class Profiled:
    """The datasets profiled and linked, those that could not be read (by name, what stopped
    them), the links found, and what stopped linking (then no dataset counts as profiled)."""

    profiles: dict[str, DatasetProfile]
    readings: dict[str, Reading]
    unread: dict[str, Exception]
    links: list[Link]
    link_error: Exception | None = None


def profile_datasets(
    config: policy.PipelineConfig,
    profile_one: ProfileOne,
    names: Sequence[str] | None = None,
    secret: bytes | None = None,
    max_rows: int | None = None,
) -> Profiled:
    """Profile the configuration's datasets (those in `names`, else all) with `profile_one`,
    then mark the columns that link them (`detectors.linkage`, hashes keyed with `secret`;
    `max_rows` per dataset when profiling read a head sample).

    A dataset that cannot be read (an input gone, undecodable, damaged) does not stop the others:
    its error is returned by name and its deliveries do not run. All profiles are submitted
    before the first is awaited, so a task runner profiles them concurrently.
    """
    readings: dict[str, Reading] = {}
    pending: dict[str, Pending] = {}
    unread: dict[str, Exception] = {}
    for ds in config.datasets:
        if names is not None and ds.name not in names:
            continue
        try:
            readings[ds.name] = Reading.of(ds)
            pending[ds.name] = profile_one(readings[ds.name])
        except Exception as exc:
            unread[ds.name] = exc
    profiles: dict[str, DatasetProfile] = {}
    for name, future in pending.items():
        try:
            profiles[name] = future.result()
        except Exception as exc:
            unread[name] = exc
    sources = [readings[n].link_input(p, max_rows) for n, p in profiles.items()]
    try:
        linked, links = link_datasets(sources, secret)
    except Exception as exc:  # a file gone since profiling: its deliveries stop, not the run
        return Profiled({}, readings, unread, [], link_error=exc)
    return Profiled(linked, readings, unread, links)


def profile_here(
    settings: DetectionSettings, sample_rows: int, read_rows: int | None = None
) -> ProfileOne:
    """A `ProfileOne` that profiles in this process (`check`), reading at most `read_rows`."""

    def profile(reading: Reading) -> Pending:
        return Done(detectors.profile_dataset(
            reading.dataset, reading.kind, list(reading.files), sample_rows=sample_rows,
            fmt=reading.fmt, settings=settings, read_rows=read_rows, **reading.options(),
        ))  # fmt: skip

    return profile
