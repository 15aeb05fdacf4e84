"""Dataset sections of the report: source files, row counts, field profiles, quarantine."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from detectors.findings import DatasetProfile, FieldProfile
from reports.model import DatasetInfo, DatasetReport, EntityReport, FieldReport, QuarantineEntry
from reports.sanitize import safe_masked

CategoryFor = Callable[[str], str | None]


def _field_report(fp: FieldProfile, category: str | None) -> FieldReport:
    return FieldReport(
        name=fp.column,
        kind=fp.kind.value,
        arrow_type=fp.arrow_type,
        rows_sampled=fp.rows_sampled,
        null_rate=fp.null_rate,
        personal=fp.is_personal,
        category=category,
        entities=tuple(
            EntityReport(e.entity_type, e.match_rate, e.confidence, e.name_hint, e.rows_found)
            for e in fp.entities
        ),
        masked_example=safe_masked(fp.masked_example),
        rows_swept=fp.rows_swept,
    )


def build_dataset_report(
    name: str,
    info: DatasetInfo | None,
    profile: DatasetProfile | None,
    categories: Mapping[tuple[str, str], str],
    category_for: CategoryFor | None,
) -> DatasetReport:
    """One dataset: its info and profile joined; either may be missing."""
    fields: list[FieldReport] = []
    for fp in profile.fields if profile else ():
        category = categories.get((name, fp.column))
        if category is None and category_for is not None and fp.primary_entity:
            category = category_for(fp.primary_entity)
        fields.append(_field_report(fp, category))
    quarantined = tuple(
        QuarantineEntry(q.file, q.row, q.reason)
        for q in sorted(profile.quarantined if profile else (), key=lambda q: (q.file, q.row))
    )
    return DatasetReport(
        name=name,
        kind=info.kind if info else profile.kind if profile else "unknown",
        paths=tuple(info.paths) if info else tuple(profile.files) if profile else (),
        size_bytes=info.size_bytes if info else None,
        sha256=info.sha256 if info else None,
        rows_read=profile.rows_read if profile else 0,
        rows_quarantined=max(profile.quarantined_count, len(quarantined)) if profile else 0,
        quarantined=quarantined,
        fields=tuple(fields),
        notes=tuple(profile.notes) if profile else (),
    )
