"""Operating points: the setting, what the recall point finds that the precision point leaves,
and that deliveries to third parties get the recall point for free text (internal ones keep
precision). Every text and label below is written for these tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

import detectors
import policy
import redaction
from detectors.analyzer import supported_entities
from detectors.entities import ALL_ENTITIES
from detectors.errors import SettingsError
from detectors.recognizers import CREDIT_CARD_MASKED, recall_recognizers
from detectors.settings import OPERATING_POINTS, PRECISION, RECALL, DetectionSettings
from detectors.text import scan_texts
from policy.decisions import DeliveryStatus, OperatingPoint, Verdict
from redaction.keys import key_from_text
from redaction.results import DeliveryOutcome

PRECISE = DetectionSettings()
RECALLING = DetectionSettings(operating_point=RECALL)


# --- the setting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "Recall",  # the names are lower case
        "f2",  # a metric is not an operating point
        "",
    ],
)
def test_an_unknown_operating_point_is_refused_with_the_known_ones(value: str) -> None:
    """The error names the value given and the two points with what each is for."""
    with pytest.raises(SettingsError) as caught:
        DetectionSettings(operating_point=value)
    assert str(caught.value) == (
        f"operating_point: {value!r} is not an operating point; use 'precision' (internal "
        "deliveries) or 'recall' (third parties: a word masked too many rather than a name left "
        "in clear)"
    )


def test_an_operating_point_that_is_not_a_string_is_refused() -> None:
    """A list would make the settings unhashable (engines are cached per settings)."""
    with pytest.raises(SettingsError, match=r"operating_point: \['recall'\] is not an operating"):
        DetectionSettings(operating_point=["recall"])  # type: ignore[arg-type]


def test_settings_at_each_point_are_hashable_and_distinct() -> None:
    """`at` switches the point and keeps everything else; equal settings hash alike."""
    base = DetectionSettings(allow_list=("Northwind Voice",))
    recall = base.at(RECALL)
    assert recall.operating_point == RECALL and recall.allow_list == base.allow_list
    assert recall.at(PRECISION) == base and hash(recall.at(PRECISION)) == hash(base)
    assert base.at(PRECISION) is base
    assert len({base, recall}) == 2
    assert set(OPERATING_POINTS) == {p.value for p in OperatingPoint}  # policy's names agree
    with pytest.raises(SettingsError, match="operating_point: 'loose'"):
        base.at("loose")


def test_thresholds_come_from_the_point_and_overrides_win() -> None:
    """A Luhn-valid 15-digit number without an IMEI word (0.4) is kept only at recall; a
    per-entity override applies at either point."""
    assert PRECISE.threshold("IMEI") == 0.5 and RECALLING.threshold("IMEI") == 0.4
    assert PRECISE.threshold("PERSON") == RECALLING.threshold("PERSON") == 0.5
    strict = DetectionSettings(operating_point=RECALL, score_thresholds=(("IMEI", 0.9),))
    assert strict.threshold("IMEI") == 0.9
    assert strict.threshold("PHONE_NUMBER") == 0.3  # the point's table for the rest


# --- what the recall point finds -------------------------------------------------------------

# (text, labelled spans the precision point leaves in clear and the recall point must find)
RECALL_ONLY = [
    # a lower-case first name after a contact verb
    ("i talked to john about the dropped calls", ["john"]),
    # a lower-case first name and surname after a greeting
    ("hey sarah mitchell, the port is done", ["sarah mitchell"]),
    # a user handle, as people write it and as tokenised text does
    ("please ping @jroe_22 when the trunk is back", ["@jroe_22"]),
    ("RT @ quietfox : my line drops every night", ["quietfox"]),
    # a French lower-case first name after "avec"
    ("j'ai parlé avec julie hier soir pour le transfert", ["julie"]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "labels"), RECALL_ONLY)
def test_recall_point_finds_what_the_precision_point_leaves(text: str, labels: list[str]) -> None:
    """Each labelled span is covered by a recall-point PERSON and by no precision finding."""
    for label in labels:
        start = text.index(label)
        end = start + len(label)
        precise = scan_texts([text], "body", PRECISE)
        recall = scan_texts([text], "body", RECALLING)
        assert not any(f.start < end and start < f.end for f in precise), (text, label)
        assert any(
            f.entity_type == "PERSON" and f.start <= start and end <= f.end for f in recall
        ), (text, label, [(text[f.start : f.end], f.entity_type) for f in recall])


# Texts where "@" or a lower-case word is not a person: nothing of these kinds is reported.
NOT_PEOPLE = [
    "call us @ home after 6",  # "@" for "at" before an ordinary word
    "mail billing@example.com or sip:desk@pbx.example.org",  # the "@" of addresses
    "from february to april the rate stays the same",  # months are not first names
    "the promo is @ 150p per week",  # "@" before an amount
]


@pytest.mark.slow
@pytest.mark.parametrize("text", NOT_PEOPLE)
def test_recall_point_reports_no_person_in_these(text: str) -> None:
    """Handles and lower-case names need their shape and a first name; these have neither."""
    assert [f for f in scan_texts([text], "body", RECALLING) if f.entity_type == "PERSON"] == []


@pytest.mark.slow
def test_recall_point_covers_everything_the_precision_point_covers() -> None:
    """Over these texts every character a precision finding covers is covered at recall too."""
    texts = [
        "Jane Roe (jane.roe@example.com) called from 514-555-0199 about 1234 Rue Sainte-Catherine",
        "Thanks,\nMarc Tremblay\nMontréal, QC",
        "card 4111 1111 1111 1111 exp 09/27, account ACCT-10023456",
        *(text for text, _ in RECALL_ONLY),
    ]
    for row, text in enumerate(texts):
        covered = {i for f in scan_texts([text], "b", RECALLING) for i in range(f.start, f.end)}
        for f in scan_texts([text], "b", PRECISE):
            assert set(range(f.start, f.end)) <= covered, (row, text[f.start : f.end])


@pytest.mark.slow
def test_recall_recognizers_keep_to_our_vocabulary_and_leave_out_the_id_misfires() -> None:
    """Presidio's recognizers known to fire on CDR ids and account codes are not joined."""
    for recognizer in recall_recognizers(RECALLING):
        assert set(recognizer.supported_entities) <= ALL_ENTITIES, recognizer.name
    entities = set(supported_entities(RECALLING))
    assert entities <= ALL_ENTITIES | {CREDIT_CARD_MASKED}
    misfires = {"US_DRIVER_LICENSE", "US_BANK_NUMBER", "UK_NHS", "MEDICAL_LICENSE", "DE_PLZ"}
    assert not entities & misfires


# --- deliveries -------------------------------------------------------------------------------

QUALITY = "To improve the quality of Voip.ms products and services."
NO_SALE = (
    "Voip.ms will not sell, transfer or reveal your personal information to third parties "
    "without your agreement."
)
# A pack where every recipient gets ticket text with its personal spans redacted.
PACK: dict[str, Any] = {
    "schema_version": 1,
    "name": "points",
    "version": "1",
    "source": {"seed": "003_d865ffb7cb5e7536.txt", "title": "Voip.ms", "date": "2009-05-01"},
    "categories": {
        "communication": {"title": "What customers write"},
        "communication.content": {"title": "Free text of tickets"},
    },
    "recipient_classes": {
        "internal": {"title": "Staff", "third_party": False},
        "analytics_vendor": {"title": "Analytics", "third_party": True},
    },
    "purposes": [
        {"slug": "service_quality", "title": "Quality", "data_use": "service.improvement",
         "citation": {"section": "3 (8)", "quote": QUALITY}},
    ],
    "rules": [
        {"recipient_class": "*", "purpose": "service_quality",
         "category": "communication.content", "verdict": "redact",
         "citation": {"section": "6", "quote": NO_SALE}},
    ],
}  # fmt: skip
# Ticket bodies: names the precision point finds in every row (so the column profiles as
# personal free text), and in three rows a name only the recall point finds.
TICKETS = [
    ("48213", "Jane Roe wrote from jane.roe@example.com: the line drops at night."),
    ("48214", "Marc Tremblay called about the outage, i talked to john after lunch."),
    ("48215", "Lucie Gagnon says please ping @jroe_22 when the trunk is back."),
    ("48216", "Paul Girard asked, the greeting is broken, spoke with sarah about it."),
    ("48217", "Ahmed Karim asked for a callback at home, the router rebooted twice."),
]
RECALL_ONLY_IN_TICKETS = ["john", "jroe_22", "sarah"]


def _deliver(tmp_path: Path, recipient_class: str) -> tuple[Any, Any, list[dict[str, Any]]]:
    """Profile the tickets, decide for `recipient_class`, plan and deliver; the output rows."""
    source = tmp_path / "in" / "tickets.csv"
    if not source.exists():
        source.parent.mkdir()
        lines = ["ticket,body", *(f'{uid},"{body}"' for uid, body in TICKETS)]
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pack_path = tmp_path / "points.yaml"
    pack_path.write_text(yaml.safe_dump(PACK, sort_keys=False), encoding="utf-8")
    pack = policy.load_pack(pack_path)
    profile = detectors.profile_dataset("tickets", "tickets", [source])
    spec = policy.DeliverySpec(
        name=f"to-{recipient_class}", dataset="tickets", recipient="r",
        recipient_class=recipient_class, purpose="service_quality",
    )  # fmt: skip
    decision = policy.evaluate_delivery(pack, spec, profile.fields, "tickets")
    assert decision.status is DeliveryStatus.PROCEED
    schema = detectors.read_schema(source)
    plan = redaction.build_plan(decision, schema, key_from_text("k" * 40))
    result = redaction.deliver(plan, [source], tmp_path / "out" / recipient_class)
    assert result.outcome is DeliveryOutcome.DELIVERED, result.blocked_reasons
    return decision, plan, pq.read_table(result.output_path).to_pylist()


def _input(tmp_path: Path) -> list[dict[str, Any]]:
    source = tmp_path / "in" / "tickets.csv"
    return [row for batch in detectors.read_batches(source) for row in batch.to_pylist()]


@pytest.mark.slow
def test_third_party_free_text_gets_the_recall_point_and_internal_keeps_precision(
    tmp_path: Path,
) -> None:
    """The decision says which point and why; the plan carries it out; the output shows it:
    names only the recall point finds are redacted for the vendor and left for staff. The ticket
    numbers beside the text are structured and delivered as they are (typed) to both."""
    outputs = {}
    for recipient_class, point in (
        ("analytics_vendor", OperatingPoint.RECALL),
        ("internal", OperatingPoint.PRECISION),
    ):
        decision, plan, rows = _deliver(tmp_path, recipient_class)
        body = next(f for f in decision.fields if f.field == "body")
        assert body.free_text and body.verdict is Verdict.REDACT
        assert body.operating_point is point
        assert f"spans found at the {point.value}" in body.reason
        assert plan.column("body").operating_point == point.value
        ticket = next(f for f in decision.fields if f.field == "ticket")
        assert ticket.operating_point is None and plan.column("ticket").operating_point is None
        # kept ticket numbers are canonical integers: int64 in Parquet, the same digits
        assert [str(r["ticket"]) for r in rows] == [r["ticket"] for r in _input(tmp_path)]
        outputs[recipient_class] = "\n".join(r["body"] for r in rows)
    for name in RECALL_ONLY_IN_TICKETS:
        assert name not in outputs["analytics_vendor"], name
        assert name in outputs["internal"], name
    for name in ("Jane Roe", "Marc Tremblay", "jane.roe@example.com"):  # both points find these
        assert name not in outputs["analytics_vendor"] and name not in outputs["internal"]
