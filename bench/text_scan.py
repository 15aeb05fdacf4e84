"""Text-scan throughput: `scan_texts` against Presidio used the obvious way, on generated tickets.

    python -m bench.text_scan --tickets 5000

Each engine runs in its own child process (so each peak RSS is its own) on the same ticket
bodies: `scan_texts` (tok2vec/ner-only spaCy, batched `nlp.pipe`, telecom recognizers),
`BatchAnalyzerEngine.analyze_iterator` over our analyzer (same recognizers, Presidio's batching),
and a default-recognizer `AnalyzerEngine` on the same spaCy model (full pipeline), `analyze()`
per text. Prints texts/s (wall clock, and per CPU-second of the process, which is steadier
on a shared machine), the ratio to the baseline and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENGINES = ("scan_texts", "presidio_batch", "presidio_default")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000, help="tickets to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    if args.engine:
        sys.stdout.write(json.dumps(_run_engine(args.engine, args.data)) + "\n")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-text-") as tmp:
        import synthetic

        synthetic.generate("tickets", args.tickets, Path(tmp), seed=args.seed)
        results = {engine: _child(engine, Path(tmp)) for engine in ENGINES}
    base = results["presidio_default"]
    sys.stdout.write(
        f"{args.tickets} ticket bodies ({results['scan_texts']['distinct']} distinct), "
        f"seed {args.seed}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
        "| engine | texts/s (wall) | x baseline | texts/CPU-s | x baseline | peak RSS MiB "
        "| findings |\n|---|---:|---:|---:|---:|---:|---:|\n"
    )
    for engine, r in results.items():
        sys.stdout.write(
            f"| {engine} | {r['texts_per_s']:.0f} | {r['texts_per_s'] / base['texts_per_s']:.2f} "
            f"| {r['texts_per_cpu_s']:.0f} | {r['texts_per_cpu_s'] / base['texts_per_cpu_s']:.2f} "
            f"| {r['peak_rss_mib']:.0f} | {r['findings']} |\n"
        )
    return 0


def _child(engine: str, data: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.text_scan", "--engine", engine, "--data", str(data)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _bodies(data: Path) -> list[str]:
    lines = (data / "tickets.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["body"] for line in lines if line.strip()]


def _run_engine(engine: str, data: Path) -> dict[str, float]:
    texts = _bodies(data)
    if engine == "scan_texts":
        from detectors.analyzer import build_analyzer
        from detectors.text import scan_texts

        build_analyzer()  # model load is not part of the throughput
        started, cpu = time.perf_counter(), time.process_time()
        findings = len(scan_texts(texts, "body"))
    elif engine == "presidio_batch":
        from presidio_analyzer import BatchAnalyzerEngine

        from detectors.analyzer import build_analyzer

        batch = BatchAnalyzerEngine(build_analyzer())
        started, cpu = time.perf_counter(), time.process_time()
        results = batch.analyze_iterator(texts, language="en", batch_size=64)
        findings = sum(len(r) for r in results)
    else:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        from detectors.offline import configure_offline
        from detectors.settings import DetectionSettings

        configure_offline()
        model = DetectionSettings().spacy_model
        nlp_engine = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": model}],
            }
        ).create_engine()
        analyzer = AnalyzerEngine(nlp_engine=nlp_engine)
        started, cpu = time.perf_counter(), time.process_time()
        findings = sum(len(analyzer.analyze(text, language="en")) for text in texts)
    elapsed, cpu_used = time.perf_counter() - started, time.process_time() - cpu
    return {
        "texts_per_s": len(texts) / elapsed,
        "texts_per_cpu_s": len(texts) / cpu_used,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "findings": findings,
        "distinct": len(set(texts)),
    }


if __name__ == "__main__":
    raise SystemExit(main())
