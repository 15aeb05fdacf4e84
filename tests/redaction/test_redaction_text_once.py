"""A run's profiling and delivery (transform, second pass, verification) run NER once per text."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import KEY_TEXT

import detectors
import policy
import redaction
from detectors import text_workers
from flows.detection import detection_settings
from redaction.results import DeliveryOutcome

# Written for this test; the first two repeat, so distinct texts are fewer than rows.
BODIES = [
    "Hi, this is Jane Roe from Montreal. Call me back at (514) 555-0123 please.",
    "My e-mail is jane.roe@example.com and my card 4111 1111 1111 1111 was declined.",
    "Account holder is Harold Thornbury, 55 Elm Street, Springfield. Line drops at night.",
    "Please ask Marc Tran to call +1 416 555 0199 before noon, the voicemail is full.",
    "Since Tuesday the calls to my mother in Halifax ring once and then go silent.",
    "Hi, this is Jane Roe from Montreal. Call me back at (514) 555-0123 please.",
    "My e-mail is jane.roe@example.com and my card 4111 1111 1111 1111 was declined.",
]
SUBJECTS = ["Calls dropping at night", "Card declined for Jane Roe", "Voicemail full again"]


def _tickets(path: Path) -> Path:
    rows = [
        {
            "ticket_id": f"T-{i:06d}",
            "created_at": f"2026-01-{i + 1:02d}T10:00:00Z",
            "customer_id": f"ACCT-{87000000 + i}",
            "channel": "web",
            "subject": SUBJECTS[i % len(SUBJECTS)],
            "body": body,
        }
        for i, body in enumerate(BODIES)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.slow
def test_profiling_and_delivery_run_ner_once_per_distinct_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted at the real spaCy pipeline: every distinct text the run analyses (inputs, the
    operator's transformed texts, the verified output) goes through NER once, though profiling
    and delivery use different operating points; the delivery still verifies and publishes."""
    from spacy.language import Language

    monkeypatch.setenv(text_workers.PROCESSES_ENV, "1")  # every NER call is in this process
    seen: Counter[str] = Counter()
    real_pipe, real_call = Language.pipe, Language.__call__

    def counting_pipe(self: Language, texts, **kwargs):  # type: ignore[no-untyped-def]
        def tap(items):  # type: ignore[no-untyped-def]
            for text in items:
                seen[text] += 1
                yield text

        return real_pipe(self, tap(texts), **kwargs)

    def counting_call(self: Language, text, **kwargs):  # type: ignore[no-untyped-def]
        seen[str(text)] += 1
        return real_call(self, text, **kwargs)

    monkeypatch.setattr(Language, "pipe", counting_pipe)
    monkeypatch.setattr(Language, "__call__", counting_call)
    data = _tickets(tmp_path / "tickets.jsonl")
    config = policy.load_config(Path(policy.__file__).parent / "examples" / "demo.yaml")
    settings = detection_settings(config)
    with detectors.findings_cache():  # as the pipeline flow does around a run
        profile = detectors.profile_dataset("tickets", "tickets", [data], settings=settings)
        decision = policy.evaluate_delivery(
            policy.load_pack(config.policy_ref), config.delivery("tickets-complaints"),
            profile.fields, "tickets",
        )  # fmt: skip
        plan = redaction.build_plan(
            decision, detectors.read_schema(data), redaction.keys.key_from_text(KEY_TEXT), settings
        )
        result = redaction.deliver(plan, [data], tmp_path / "out", settings=settings)
    assert result.outcome is DeliveryOutcome.DELIVERED, result.blocked_reasons
    free_text = {c.field for c in plan.columns if c.free_text}
    assert free_text == {"subject", "body"}
    assert {c.operating_point for c in plan.columns if c.free_text} == {"recall"}
    assert set(BODIES) <= set(seen) and set(SUBJECTS) <= set(seen)
    assert any("PERSON_" in text for text in seen)  # transformed texts were analysed too
    assert max(seen.values()) == 1, [n for n in seen.values() if n > 1]
