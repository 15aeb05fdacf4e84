"""Detection on labelled public text (../shared/realdata): ours against Presidio as-is, one run.

    python -m bench.detect_realdata [--sets cards,phones] [--limit 300] [--json out.json]

Engines, on the same texts:
- `ours`: detected = `detectors.scan_texts` with default settings, the precision operating point
  that internal deliveries use (our analyzer, telecom recognizers, per-entity thresholds, NER
  clean-up, overlap resolution); masked = what our free-text redaction replaces: those findings
  except the ones it keeps in clear (dates with words), joined by the validated identifiers of
  `detectors.sweep.find_spans` where the code has them (`redaction.operators.freetext.
  with_validated`);
- `ours_recall`: the same at the recall operating point, what deliveries to third parties use
  (`DetectionSettings(operating_point="recall")`);
- `presidio`: presidio-analyzer's `AnalyzerEngine` with its default recognizers and default
  spaCy entity mapping, on the same installed spaCy model (full pipeline), threshold 0, run
  through `BatchAnalyzerEngine` (batching changes speed, not results). Masked = the union of its
  results: `AnonymizerEngine`'s default conflict handling merges same-type overlaps and drops
  only contained results, so it replaces that union.

Sets, label mappings and the scoring rules (recall by coverage, precision by overlap, "in clear")
are described in `detectors/evaluation_realdata.py`. Nothing from ../shared is copied: the sets
are read at run time. `--limit N` takes a seeded random N texts per set.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from detectors import entities as E
from detectors.errors import DetectorError
from detectors.evaluation_realdata import (
    SETS,
    Detected,
    LabelledText,
    SetScore,
    score_set,
    select_sets,
)
from detectors.findings import TextFinding

DEFAULT_REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
ENGINES = ("ours", "ours_recall", "presidio")
# Our engines and the operating point of each.
OUR_POINTS = {"ours": "precision", "ours_recall": "recall"}
# The structured identifiers the targets name (recall >= 0.99 wherever labelled).
STRUCTURED = (E.EMAIL_ADDRESS, E.PHONE_NUMBER, E.CREDIT_CARD, E.IBAN_CODE, E.IP_ADDRESS)
NAMES_AND_ADDRESSES = (E.PERSON, E.STREET_ADDRESS, E.LOCATION, E.POSTAL_CODE)

Spans = list[list[Detected]]  # one list per text
Engine = Callable[[list[str]], tuple[Spans, Spans]]  # (detected, masked)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets", help=f"comma-separated set names or prefixes (default all): {', '.join(SETS)}"
    )
    parser.add_argument("--limit", type=int, help="at most N texts per set (seeded sample)")
    parser.add_argument("--seed", type=int, default=13, help="seed of the --limit sample")
    parser.add_argument("--json", type=Path, help="also write every count to this JSON file")
    parser.add_argument(
        "--realdata", type=Path, default=DEFAULT_REALDATA, help="the labelled material's folder"
    )
    parser.add_argument("--engines", default=",".join(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.engine:
        _run_engine(args.engine, args.work)
        return 0
    if not args.realdata.is_dir():
        sys.stderr.write(
            f"error: {args.realdata} not found: this benchmark reads the labelled public sets "
            "from ../shared/realdata beside the checkout (see its README.md); give their "
            "folder with --realdata PATH\n"
        )
        return 2
    try:
        names = select_sets([s.strip() for s in args.sets.split(",")] if args.sets else None)
        engines = [e for e in args.engines.split(",") if e]
        unknown = sorted(set(engines) - set(ENGINES))
        if unknown:
            raise ValueError(f"unknown engine(s) {unknown}; known: {', '.join(ENGINES)}")
        data = {name: _sample(SETS[name](args.realdata), args.limit, args.seed) for name in names}
        results, timings = run(data, engines)
    except (DetectorError, ValueError, RuntimeError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(
        report(results, timings, args.limit, engines) + f"\nload average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
    )
    if args.json:
        payload = {
            "limit": args.limit,
            "seed": args.seed,
            "seconds": timings,
            "scores": {
                engine: {name: _as_json(score) for name, score in per_set.items()}
                for engine, per_set in results.items()
            },
        }
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return 0


def _sample(items: list[LabelledText], limit: int | None, seed: int) -> list[LabelledText]:
    if limit is None or limit >= len(items):
        return items
    keep = sorted(random.Random(seed).sample(range(len(items)), limit))
    return [items[i] for i in keep]


def run(
    data: dict[str, list[LabelledText]], engines: Sequence[str]
) -> tuple[dict[str, dict[str, SetScore]], dict[str, dict[str, float]]]:
    """Each engine over each set, each engine in its own child process: scores and seconds.

    A child process per engine, because Presidio's default registry picks its predefined
    recognizers by class name among every loaded subclass: once `detectors.recognizers` is
    imported, "PhoneRecognizer" may resolve to ours.
    """
    results: dict[str, dict[str, SetScore]] = {}
    timings: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-realdata-") as tmp:
        work = Path(tmp)
        texts = {name: [item.text for item in items] for name, items in data.items()}
        (work / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
        for engine in engines:
            out = subprocess.run(
                [sys.executable, "-m", "bench.detect_realdata", "--engine", engine,
                 "--work", str(work)],
                capture_output=True,
                text=True,
            )  # fmt: skip
            if out.returncode != 0:
                raise RuntimeError(f"engine {engine} failed:\n{out.stderr[-4000:]}")
            child = json.loads((work / f"{engine}.json").read_text(encoding="utf-8"))
            timings[engine] = child["seconds"]
            results[engine] = {
                name: score_set(
                    name,
                    items,
                    [[Detected(*span) for span in spans] for spans in child["detected"][name]],
                    [[Detected(*span) for span in spans] for spans in child["masked"][name]],
                )
                for name, items in data.items()
            }
    return results, timings


def _run_engine(name: str, work: Path) -> None:
    """Child mode: detect on every set of `work/texts.json`, write `work/<name>.json`."""
    texts: dict[str, list[str]] = json.loads((work / "texts.json").read_text(encoding="utf-8"))
    engine = build_engine(name)
    detected, masked, seconds = {}, {}, {}
    for set_name, set_texts in texts.items():
        started = time.perf_counter()
        found, hidden = engine(set_texts)
        seconds[set_name] = round(time.perf_counter() - started, 2)
        detected[set_name] = [[[d.start, d.end, d.entity_type] for d in row] for row in found]
        masked[set_name] = [[[d.start, d.end, d.entity_type] for d in row] for row in hidden]
    payload = {"detected": detected, "masked": masked, "seconds": seconds}
    (work / f"{name}.json").write_text(json.dumps(payload), encoding="utf-8")


def build_engine(name: str) -> Engine:
    """`ours`, `ours_recall` or `presidio` (see the module doc), built once; model loading is
    not timed."""
    from detectors.offline import configure_offline

    configure_offline()
    # Presidio logs a warning per unmapped spaCy label (CARDINAL, ORG...): noise here.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    if name in OUR_POINTS:
        from detectors.analyzer import build_analyzer
        from detectors.settings import DetectionSettings
        from detectors.text import scan_texts

        settings = DetectionSettings(operating_point=OUR_POINTS[name])
        build_analyzer(settings)
        delivered = _delivered_spans()

        def ours(texts: list[str]) -> tuple[Spans, Spans]:
            findings: list[list[TextFinding]] = [[] for _ in texts]
            for f in scan_texts(texts, "text", settings):
                findings[f.row].append(f)
            detected = [[Detected(f.start, f.end, f.entity_type) for f in row] for row in findings]
            return detected, delivered(texts, findings)

        return ours
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from detectors.settings import DetectionSettings

    nlp_engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": DetectionSettings().spacy_model}],
        }
    ).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, default_score_threshold=0)
    ours_loaded = sorted(
        r.name for r in analyzer.get_recognizers() if type(r).__module__.startswith("detectors")
    )
    if ours_loaded:
        raise RuntimeError(f"Presidio's default registry loaded our recognizers {ours_loaded}")
    batch = BatchAnalyzerEngine(analyzer)

    def presidio(texts: list[str]) -> tuple[Spans, Spans]:
        results = batch.analyze_iterator(texts, language="en", batch_size=64)
        found = [[Detected(r.start, r.end, r.entity_type) for r in row] for row in results]
        return found, found

    return presidio


def _delivered_spans() -> Callable[[list[str], list[list[TextFinding]]], Spans]:
    """What our free-text redaction replaces, given the findings: the code of this checkout
    decides (earlier checkouts have no sweep; see the module doc)."""
    from redaction.operators import freetext

    keep_clear = getattr(freetext, "left_in_clear", lambda entity, span: False)
    join = getattr(freetext, "with_validated", None)
    try:
        from detectors.sweep import find_spans
    except ImportError:
        find_spans = None

    def delivered(texts: list[str], findings: list[list[TextFinding]]) -> Spans:
        masked = [
            [f for f in row if not keep_clear(f.entity_type, text[f.start : f.end])]
            for text, row in zip(texts, findings, strict=True)
        ]
        if join is not None and find_spans is not None:
            validated = find_spans(texts, None, "text")
            masked = [join("text", i, row, validated[i]) for i, row in enumerate(masked)]
        return [[Detected(f.start, f.end, f.entity_type) for f in row] for row in masked]

    return delivered


def report(
    results: dict[str, dict[str, SetScore]],
    timings: dict[str, dict[str, float]],
    limit: int | None,
    engines: Sequence[str],
) -> str:
    """Markdown: one row per set and labelled entity, engines side by side; then the shares of
    labelled values left in clear per set, and detections on texts with nothing labelled."""
    sets = list(next(iter(results.values())))
    head = " | ".join(f"{e} R | {e} P | {e} F2" for e in engines)
    clear_head = " | ".join(f"in clear {e}" for e in engines)
    lines = [
        f"Per set and entity ({'all texts' if limit is None else f'at most {limit} texts per set'}"
        "); R = recall by coverage, P = precision by overlap, in clear = labelled values the "
        "masked spans leave readable",
        "",
        f"| set | texts | entity | labelled | {head} | {clear_head} |",
        "|---|---:|---|---:|" + "---:|" * (4 * len(engines)),
    ]
    for name in sets:
        first = results[engines[0]][name]
        for counts in first.entities:
            cells = []
            for e in engines:
                c = results[e][name].entity(counts.entity_type)
                cells.append(f"{c.recall:.3f} | {c.precision:.3f} | {c.f2:.3f}")
            clear = [
                _clear(results[e][name].entity(counts.entity_type).in_clear, counts.labelled)
                for e in engines
            ]
            lines.append(
                f"| {name} | {first.texts} | {counts.entity_type} | {counts.labelled} | "
                + " | ".join(cells) + " | " + " | ".join(clear) + " |"
            )  # fmt: skip
    lines += [
        "",
        "Left in clear per set: structured identifiers (e-mail, phone, card, IBAN, IP) and "
        "names + addresses (PERSON, STREET_ADDRESS, LOCATION, POSTAL_CODE)",
        "",
        "| set | " + " | ".join(f"structured {e} | names+addresses {e}" for e in engines) + " |",
        "|---|" + "---:|---:|" * len(engines),
    ]
    for name in sets:
        cells = []
        for e in engines:
            score = results[e][name]
            for group in (STRUCTURED, NAMES_AND_ADDRESSES):
                rows = [c for c in score.entities if c.entity_type in group]
                cells.append(
                    _clear(sum(c.in_clear for c in rows), sum(c.labelled for c in rows))
                    if rows
                    else "-"
                )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Detections of types the set does not label (on negatives and unlabelled text these "
        "are all false positives)",
        "",
        "| set | " + " | ".join(engines) + " |",
        "|---|" + "---|" * len(engines),
    ]
    for name in sets:
        cells = [
            ", ".join(f"{k} {v}" for k, v in results[e][name].unlabelled.items()) or "-"
            for e in engines
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Seconds per set: " + "; ".join(
        f"{e} {sum(timings[e].values()):.0f} s ("
        + ", ".join(f"{n} {t:.0f}" for n, t in timings[e].items()) + ")"
        for e in engines
    )]  # fmt: skip
    return "\n".join(lines) + "\n"


def _clear(in_clear: int, labelled: int) -> str:
    if not labelled:
        return "-"
    return f"{in_clear}/{labelled} ({100 * in_clear / labelled:.1f}%)"


def _as_json(score: SetScore) -> dict[str, object]:
    return {
        "texts": score.texts,
        "entities": [
            {**asdict(c), "recall": c.recall, "precision": c.precision, "f2": c.f2}
            for c in score.entities
        ],
        "unlabelled": dict(score.unlabelled),
    }


if __name__ == "__main__":
    raise SystemExit(main())
