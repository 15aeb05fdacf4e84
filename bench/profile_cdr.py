"""Column profiling of an N-row CDR against presidio-structured, the obvious alternative.

    python -m bench.profile_cdr --rows 1000000

Generates the CDR once under bench/results/ (reused when present). Times `profile_dataset` on the
whole file (peak RSS read before anything else is loaded), `classify_values(PHONE_NUMBER)` on
every `src` value, then presidio-structured's `PandasAnalysisBuilder` (an `AnalyzerEngine` on the
installed spaCy model: its default would download en_core_web_lg) on a slice of
`--presidio-rows` rows, extrapolated per row. Prints numbers; asserts nothing. Needs
`pip install presidio-structured` (the `bench` extra).
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _dataset(rows: int) -> Path:
    import synthetic

    folder = RESULTS / f"cdr-{rows}"
    if not (folder / "cdr.csv").exists():
        started = time.perf_counter()
        synthetic.generate("cdr", rows, folder, seed=7)
        print(f"generated {rows:,} CDR rows in {time.perf_counter() - started:.1f} s")
    return folder / "cdr.csv"


def _ours(path: Path, rows: int) -> float:
    from detectors import profile_dataset

    started = time.perf_counter()
    profile = profile_dataset("cdr", "cdr", [path])
    seconds = time.perf_counter() - started
    personal = sum(f.is_personal for f in profile.fields)
    print(
        f"teleprivacy profile_dataset: {profile.rows_read:,} rows in {seconds:.2f} s "
        f"({profile.rows_read / seconds:,.0f} rows/s), {personal}/{len(profile.fields)} columns "
        f"personal, peak RSS {_peak_mib():.0f} MiB"
    )
    return profile.rows_read / seconds


def _classify(path: Path) -> None:
    import pyarrow as pa

    from detectors import classify_values, read_batches

    src = pa.Table.from_batches(list(read_batches(path, columns=["src"]))).column("src")
    started = time.perf_counter()
    found = classify_values(src, "PHONE_NUMBER")
    seconds = time.perf_counter() - started
    print(
        f"classify_values(PHONE_NUMBER) on {len(src):,} src values: {seconds:.2f} s "
        f"({len(src) / seconds:,.0f} rows/s), {found.true_count:,} phones"
    )


def _presidio_structured(path: Path, rows: int) -> float:
    import pandas as pd
    import pyarrow as pa
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_structured import PandasAnalysisBuilder

    from detectors import DetectionSettings, read_batches

    batches, taken = [], 0
    for batch in read_batches(path, batch_size=rows):
        batches.append(batch.slice(0, rows - taken))
        taken += batches[-1].num_rows
        if taken >= rows:
            break
    frame: pd.DataFrame = pa.Table.from_batches(batches).to_pandas()
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": DetectionSettings().spacy_model}],
        }
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    started = time.perf_counter()
    analysis = PandasAnalysisBuilder(analyzer=analyzer).generate_analysis(frame)
    seconds = time.perf_counter() - started
    print(
        f"presidio-structured PandasAnalysisBuilder: {len(frame):,} rows in {seconds:.1f} s "
        f"({len(frame) / seconds:,.0f} rows/s, {1000 * seconds / len(frame):.2f} ms/row), "
        f"peak RSS {_peak_mib():.0f} MiB; columns it tagged: {analysis.entity_mapping}"
    )
    return len(frame) / seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--presidio-rows", type=int, default=10_000, help="0 skips presidio-structured"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    path = _dataset(args.rows)
    ours = _ours(path, args.rows)
    _classify(path)
    if not args.presidio_rows:
        return
    theirs = _presidio_structured(path, args.presidio_rows)
    print(f"ratio: profile_dataset is {ours / theirs:,.0f}x presidio-structured per row")


if __name__ == "__main__":
    main()
