"""Text throughput: `scan_texts`, and a whole tickets delivery, against Presidio on the same texts.

    python -m bench.text_scan --tickets 5000             # scanning ticket bodies
    python -m bench.text_scan --delivery --tickets 2000  # profile + deliver + verify, end to end

Each engine runs in its own child process (so each peak RSS is its own) on the same generated
tickets (seed 7). Rates are texts per second of wall clock, and per CPU-second of the engine's
process and the children it forks (`detectors.text_workers`): the per-core rate, steadier on a
shared machine. Peak RSS is the engine process's; forked children share its model pages
copy-on-write, so their own peak (printed apart) is mostly the same memory.

Scanning (`--tickets`): `scan_texts` (tok2vec/ner-only spaCy, batched `nlp.pipe`, telecom
recognizers, shared out over the cores), `BatchAnalyzerEngine.analyze_iterator` over our
analyzer (same recognizers, Presidio's batching), and a default-recognizer `AnalyzerEngine` on the
same spaCy model (full pipeline), `analyze()` per text: the baseline.

Delivery (`--delivery`): the demo configuration's `tickets-complaints` delivery (subject and body
pseudonymized at the recall operating point) as the pipeline flow runs it, without Prefect:
profile the dataset, decide, build the plan and deliver (transform, write, verify) inside one
`findings_cache()`; on both cores, on one (`TELEPRIVACY_TEXT_PROCESSES=1`), and as before the
cache (one core, every stage analysing its texts again). The baseline: Presidio as-is,
`AnalyzerEngine.analyze` + `AnonymizerEngine.anonymize` per distinct text in one pass. Texts are
the distinct non-blank subjects and bodies, the same count for every engine.
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
DELIVERY_ENGINES = ("ours", "ours_one_process", "ours_before_cache", "presidio")
DELIVERY = "tickets-complaints"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000, help="tickets to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--delivery", action="store_true", help="a whole tickets delivery")
    parser.add_argument("--engine", choices=ENGINES + DELIVERY_ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    if args.engine:
        run = _run_delivery if args.engine in DELIVERY_ENGINES else _run_engine
        sys.stdout.write(json.dumps(run(args.engine, args.data)) + "\n")
        return 0
    engines = DELIVERY_ENGINES if args.delivery else ENGINES
    with tempfile.TemporaryDirectory(prefix="bench-text-") as tmp:
        import synthetic

        synthetic.generate("tickets", args.tickets, Path(tmp), seed=args.seed)
        results = {engine: _child(engine, Path(tmp)) for engine in engines}
    base = results[engines[-1]]
    what = "tickets delivered end to end" if args.delivery else "ticket bodies"
    sys.stdout.write(
        f"{args.tickets} {what} ({base['distinct']} distinct texts), seed {args.seed}, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
        "| engine | s (wall) | texts/s (wall) | x baseline | texts/CPU-s | x baseline "
        "| peak RSS MiB | forked peak MiB | findings |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    for engine, r in results.items():
        sys.stdout.write(
            f"| {engine} | {r['seconds']:.1f} | {r['texts_per_s']:.0f} "
            f"| {r['texts_per_s'] / base['texts_per_s']:.2f} | {r['texts_per_cpu_s']:.0f} "
            f"| {r['texts_per_cpu_s'] / base['texts_per_cpu_s']:.2f} | {r['peak_rss_mib']:.0f} "
            f"| {r['children_peak_rss_mib']:.0f} | {r['findings']} |\n"
        )
        if "stages" in r:
            sys.stdout.write(f"|  {engine}: {r['stages']} | | | | | | | | |\n")
    return 0


def _child(engine: str, data: Path) -> dict:
    env = dict(os.environ)
    if engine in ("ours_one_process", "ours_before_cache"):
        env["TELEPRIVACY_TEXT_PROCESSES"] = "1"
    out = subprocess.run(
        [sys.executable, "-m", "bench.text_scan", "--engine", engine, "--data", str(data)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _rates(texts: int, started: float, cpu: float, findings: int, distinct: int) -> dict:
    elapsed, cpu_used = time.perf_counter() - started, _cpu_seconds() - cpu
    return {
        "seconds": elapsed,
        "texts_per_s": texts / elapsed,
        "texts_per_cpu_s": texts / cpu_used,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "findings": findings,
        "distinct": distinct,
    }


def _rows(data: Path) -> list[dict]:
    lines = (data / "tickets.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _presidio_analyzer():  # type: ignore[no-untyped-def]
    """Presidio as it comes: default recognizers, the full pipeline of our spaCy model."""
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
    return AnalyzerEngine(nlp_engine=nlp_engine)


def _run_engine(engine: str, data: Path) -> dict:
    texts = [row["body"] for row in _rows(data)]
    if engine == "scan_texts":
        from detectors.analyzer import build_analyzer
        from detectors.text import scan_texts

        build_analyzer()  # model load is not part of the throughput
        started, cpu = time.perf_counter(), _cpu_seconds()
        findings = len(scan_texts(texts, "body"))
    elif engine == "presidio_batch":
        from presidio_analyzer import BatchAnalyzerEngine

        from detectors.analyzer import build_analyzer

        batch = BatchAnalyzerEngine(build_analyzer())
        started, cpu = time.perf_counter(), _cpu_seconds()
        results = batch.analyze_iterator(texts, language="en", batch_size=64)
        findings = sum(len(r) for r in results)
    else:
        analyzer = _presidio_analyzer()
        started, cpu = time.perf_counter(), _cpu_seconds()
        findings = sum(len(analyzer.analyze(text, language="en")) for text in texts)
    return _rates(len(texts), started, cpu, findings, len(set(texts)))


def _run_delivery(engine: str, data: Path) -> dict:
    """One tickets delivery end to end (ours), or Presidio's analyze + anonymize per text."""
    rows = _rows(data)
    texts = sorted({row[c] for row in rows for c in ("subject", "body") if (row[c] or "").strip()})
    if engine == "presidio":
        from presidio_anonymizer import AnonymizerEngine

        analyzer, anonymizer = _presidio_analyzer(), AnonymizerEngine()
        started, cpu = time.perf_counter(), _cpu_seconds()
        findings = 0
        for text in texts:
            results = analyzer.analyze(text, language="en")
            anonymizer.anonymize(text, results)  # type: ignore[arg-type]
            findings += len(results)
        return _rates(len(texts), started, cpu, findings, len(texts))
    import detectors
    import policy
    import redaction
    from detectors.analyzer import build_analyzer
    from flows.detection import detection_settings

    if engine == "ours_before_cache":  # every stage analyses its texts again, as before
        import detectors.text

        detectors.text.active_cache = lambda: None  # type: ignore[assignment]
    config = policy.load_config(Path(policy.__file__).parent / "examples" / "demo.yaml")
    settings = detection_settings(config)
    spec = config.delivery(DELIVERY)
    pack = policy.load_pack(config.policy_ref)
    path = data / "tickets.jsonl"
    key = redaction.keys.key_from_text("bench-" + "k" * 40)
    build_analyzer(settings)  # model load is not part of the throughput
    started, cpu = time.perf_counter(), _cpu_seconds()
    with detectors.findings_cache():
        profile = detectors.profile_dataset("tickets", "tickets", [path], settings=settings)
        profiled = time.perf_counter()
        decision = policy.evaluate_delivery(pack, spec, profile.fields, "tickets")
        schema = detectors.read_schema(path)
        plan = redaction.build_plan(decision, schema, key, settings)
        with tempfile.TemporaryDirectory(prefix="bench-delivery-") as out:
            result = redaction.deliver(plan, [path], Path(out), settings=settings)
    rates = _rates(len(texts), started, cpu, len(result.residual), len(texts))
    rates["stages"] = (
        f"profile {profiled - started:.1f} s, deliver + verify "
        f"{time.perf_counter() - profiled:.1f} s, {result.outcome}"
    )
    return rates


if __name__ == "__main__":
    raise SystemExit(main())
