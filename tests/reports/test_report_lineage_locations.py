"""OpenLineage dataset names for local paths and object-store locations."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.lineage import DatasetLocation, dataset_location


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        # an object store: the bucket is the namespace, the key (or glob) the name
        ("s3://raw/cdr/*.csv", DatasetLocation("s3://raw", "cdr/*.csv")),
        ("s3://deliveries/demo/deliveries/cdr-quality",
         DatasetLocation("s3://deliveries", "demo/deliveries/cdr-quality")),
        ("gs://lake/billing.parquet", DatasetLocation("gs://lake", "billing.parquet")),
        # a local path: file://<host> and the absolute path, as before
        (Path("/srv/data/cdr.csv"), DatasetLocation("file://etl-1", "/srv/data/cdr.csv")),
    ],
)  # fmt: skip
def test_dataset_location(where: object, expected: DatasetLocation) -> None:
    """Objects are named as OpenLineage names S3/GCS data; local files keep file://<host>."""
    assert dataset_location(where, host="etl-1") == expected
