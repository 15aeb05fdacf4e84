"""Free text: detected spans replaced in place by presidio-anonymizer with our operators.

Spans come from `detectors.scan_texts`. Under a pseudonymizing verdict, identifiers (phones,
emails, names, accounts, IPs, SIP URIs, device ids) get the SAME keyed token as in structured
columns, through a Presidio `custom` operator that calls our `Pseudonymizer`; every other entity
(cards, PINs, passwords, addresses, …) and every span under any other verdict becomes `<ENTITY>`.
DATE_TIME spans are left alone (a date in a ticket does not identify anyone by itself) unless
they are bare digits, which Presidio also calls PINs and years. Each distinct text is scanned and
transformed once, then the texts that changed are scanned once more: replacing a span shifts the
context words around others, and what the second pass finds is transformed too (over-redaction
is preferred to a leak the verification re-scan would block).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

import detectors
from detectors import entities
from detectors.findings import TextFinding
from detectors.settings import DetectionSettings
from detectors.sweep import SweepSpan, find_spans
from redaction.operators.basic import placeholder
from redaction.operators.distinct import STRING, as_array, as_text
from redaction.operators.pseudonymize import Pseudonymizer

if TYPE_CHECKING:  # presidio-anonymizer costs ~80 MiB: loaded only when text is transformed
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig

TOKENIZED = frozenset(
    {
        entities.PHONE_NUMBER, entities.EMAIL_ADDRESS, entities.ACCOUNT_NUMBER, entities.PERSON,
        entities.IP_ADDRESS, entities.SIP_URI, entities.IMEI, entities.IMSI, entities.ICCID,
        entities.MAC_ADDRESS, entities.IBAN_CODE, entities.CA_SIN,
    }
)  # fmt: skip
LEFT_IN_CLEAR = frozenset({entities.DATE_TIME})
PASSES = 2


def left_in_clear(entity_type: str, span: str) -> bool:
    """Spans kept as they are: dates with words or separators, never bare digits (PIN-like)."""
    return entity_type in LEFT_IN_CLEAR and not span.strip().isdigit()


def with_validated(
    field: str, row: int, findings: list[TextFinding], validated: list[SweepSpan]
) -> list[TextFinding]:
    """`findings` joined by the validated identifiers verification's sweep would find.

    A validated span inside a finding adds nothing; a finding that partly covers one is cut
    back to the part outside it (`555-0111` found where `1-416-555-0111` is the number), so
    nothing either of them covered is left out.
    """
    kept = list(findings)
    for span in validated:
        if any(f.start <= span.start and span.end <= f.end for f in kept):
            continue
        trimmed = []
        for f in kept:
            if f.end <= span.start or f.start >= span.end:
                trimmed.append(f)
            elif f.start < span.start:
                trimmed.append(replace(f, end=span.start))
            elif f.end > span.end:
                trimmed.append(replace(f, start=span.end))
        kept = [*trimmed, TextFinding(row, field, span.start, span.end, span.entity_type, 1.0)]
    return sorted(kept, key=lambda f: f.start)


@cache
def _engine() -> AnonymizerEngine:
    from presidio_anonymizer import AnonymizerEngine

    return AnonymizerEngine()


@dataclass(frozen=True)
class FreeText:
    """Transforms the personal spans of a prose column; `pseudonymizer` None means redact all."""

    field: str
    pseudonymizer: Pseudonymizer | None
    settings: DetectionSettings | None = None
    output_type: pa.DataType = STRING

    def __call__(self, array: pa.Array) -> pa.Array:
        encoded = pc.dictionary_encode(as_text(as_array(array)))
        texts: list[str] = encoded.dictionary.to_pylist()
        pending = list(range(len(texts)))
        for _ in range(PASSES):
            pending = self._pass(texts, pending)
            if not pending:
                break
        return pa.array(texts, STRING).take(encoded.indices)

    def _pass(self, texts: list[str], rows: list[int]) -> list[int]:
        """Transform `texts[rows]` in place; return the rows that changed."""
        spans: dict[int, list[TextFinding]] = defaultdict(list)
        batch = [texts[i] for i in rows]
        for finding in detectors.scan_texts(batch, self.field, self.settings):
            text = texts[rows[finding.row]]
            if not left_in_clear(finding.entity_type, text[finding.start : finding.end]):
                spans[finding.row].append(finding)
        for local, validated in enumerate(find_spans(batch, self.settings, self.field)):
            if validated:
                spans[local] = with_validated(self.field, local, spans[local], validated)
        changed = []
        for local, findings in spans.items():
            row = rows[local]
            out = self.transform(texts[row], findings)
            if out != texts[row]:
                texts[row] = out
                changed.append(row)
        return changed

    def transform(self, text: str, findings: list[TextFinding]) -> str:
        """One text with its spans replaced; a text without findings is returned as is."""
        if not findings:
            return text
        from presidio_anonymizer.entities import RecognizerResult

        results = [RecognizerResult(f.entity_type, f.start, f.end, f.score) for f in findings]
        configs = {e: self._config(e) for e in {f.entity_type for f in findings}}
        return _engine().anonymize(text, results, configs).text

    def _config(self, entity: str) -> OperatorConfig:
        from presidio_anonymizer.entities import OperatorConfig

        if self.pseudonymizer is not None and entity in TOKENIZED:
            token = self.pseudonymizer.token
            return OperatorConfig("custom", {"lambda": lambda value: token(entity, value)})
        return OperatorConfig("replace", {"new_value": placeholder(entity)})
