"""A fixed fake run (synthetic values only) shared by the report tests and golden files."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from detectors.findings import (
    DatasetProfile,
    EntityEvidence,
    FieldKind,
    FieldProfile,
    QuarantinedRow,
)
from detectors.masking import mask_value
from policy.decisions import (
    Citation,
    DeliveryDecision,
    DeliveryStatus,
    FieldDecision,
    RowFilter,
    TokenScope,
    Verdict,
)
from redaction.results import DeliveryOutcome, DeliveryResult, FieldOutput, ResidualFinding
from redaction.risk import RiskFigures
from reports import DatasetInfo, RunInfo, RunReport, build_run_report

GOLDEN = Path(__file__).parent / "golden"

# Raw synthetic values per (dataset, column, entity type). Reports may show them masked only.
RAW: dict[tuple[str, str, str], list[str]] = {
    ("billing", "account_id", "ACCOUNT_NUMBER"): ["ACCT-00481516", "ACCT-00234200"],
    ("billing", "email", "EMAIL_ADDRESS"): [
        "marguerite.olsen@example.com",
        "dtremblay@example.org",
    ],
    ("billing", "phone", "PHONE_NUMBER"): ["+1 514-555-0173", "+1 438-555-0122"],
    ("billing", "billing_address", "STREET_ADDRESS"): ["4821 Rue Sainte-Catherine O, Apt 5"],
    ("billing", "card_last4", "CREDIT_CARD"): ["4111111111111111"],
    ("cdr", "src", "PHONE_NUMBER"): ["+15145550147", "+14385550191"],
    ("cdr", "clid", "PERSON"): ['"Genevieve Lachapelle" <5145550188>'],
    ("cdr", "dst", "PHONE_NUMBER"): ["+18195550110"],
    ("tickets", "body", "PERSON"): ["Bartholomew Quennell"],
    ("tickets", "body", "EMAIL_ADDRESS"): ["b.quennell@example.net"],
}


def raw(dataset: str, column: str, entity: str, i: int = 0) -> str:
    return RAW[(dataset, column, entity)][i]


def masked(dataset: str, column: str, entity: str, i: int = 0) -> str:
    return mask_value(raw(dataset, column, entity, i), entity)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cite(section: str, quote: str) -> Citation:
    return Citation(seed="003_d865ffb7cb5e7536.txt", section=section, quote=quote)


SHARE = cite(
    "4. Sharing with service providers (2)",
    "We may share personal information with service providers who process it on our behalf.",
)
FRAUD = cite(
    "3. Use of personal information (5)",
    "to detect and prevent fraud, abuse and unlawful use of our services",
)
MARKETING = cite(
    "3. Use of personal information (7)",
    "to send you marketing communications where you have consented to receive them",
)


def _field(
    ds: str,
    col: str,
    kind: FieldKind,
    arrow: str,
    ents: list[tuple[str, float, float]],
    null_rate: float = 0.0,
    rows: int = 1000,
) -> FieldProfile:
    example = masked(ds, col, ents[0][0]) if ents else None
    return FieldProfile(
        dataset=ds,
        column=col,
        kind=kind,
        arrow_type=arrow,
        rows_sampled=rows,
        null_rate=null_rate,
        entities=tuple(EntityEvidence(e, rate, conf) for e, rate, conf in ents),
        masked_example=example,
    )


S, T = FieldKind.STRUCTURED, FieldKind.FREE_TEXT


def profiles() -> list[DatasetProfile]:
    """Profiles of three synthetic datasets."""
    billing = DatasetProfile(
        dataset="billing",
        kind="billing",
        files=("data/billing.csv",),
        rows_read=1000,
        fields=(
            _field("billing", "account_id", S, "string", [("ACCOUNT_NUMBER", 1.0, 0.95)]),
            _field("billing", "email", S, "string", [("EMAIL_ADDRESS", 0.98, 0.99)], 0.02),
            _field("billing", "phone", S, "string", [("PHONE_NUMBER", 0.97, 0.9)]),
            _field("billing", "billing_address", S, "string", [("STREET_ADDRESS", 0.62, 0.45)]),
            _field("billing", "card_last4", S, "string", [("CREDIT_CARD", 0.4, 0.85)]),
            _field("billing", "amount", S, "string", []),
            _field("billing", "marketing_consent", S, "string", []),
        ),
        quarantined=(
            QuarantinedRow("data/billing.csv", 412, "expected 7 fields, saw 9"),
            QuarantinedRow("data/billing.csv", 77, "unterminated quoted field"),
        ),
        quarantined_count=3,
    )
    cdr = DatasetProfile(
        dataset="cdr",
        kind="cdr",
        files=("data/cdr.csv",),
        rows_read=5000,
        fields=(
            _field("cdr", "calldate", S, "string", []),
            _field("cdr", "src", S, "string", [("PHONE_NUMBER", 1.0, 0.97)]),
            _field("cdr", "dst", S, "string", [("PHONE_NUMBER", 0.93, 0.96)]),
            _field("cdr", "clid", S, "string", [("PERSON", 0.81, 0.7), ("PHONE_NUMBER", 0.8, 0.8)]),
            _field("cdr", "duration", S, "string", []),
        ),
    )
    tickets = DatasetProfile(
        dataset="tickets",
        kind="tickets",
        files=("data/tickets.jsonl",),
        rows_read=300,
        fields=(
            _field("tickets", "ticket_id", S, "string", [], rows=300),
            _field(
                "tickets",
                "body",
                T,
                "string",
                [("PERSON", 0.55, 0.75), ("EMAIL_ADDRESS", 0.2, 0.9)],
                rows=300,
            ),
        ),
    )
    return [tickets, billing, cdr]


def dataset_infos() -> list[DatasetInfo]:
    return [
        DatasetInfo("billing", "billing", ("data/billing.csv",), 181_223, sha("billing")),
        DatasetInfo("cdr", "cdr", ("data/cdr.csv",), 702_114, sha("cdr")),
        DatasetInfo("tickets", "tickets", ("data/tickets.jsonl",), 96_500, sha("tickets")),
    ]


def _fd(
    field: str,
    verdict: Verdict,
    category: str | None,
    ents: tuple[str, ...],
    operator: str | None,
    citation: Citation | None,
    reason: str,
    **kw: Any,
) -> FieldDecision:
    return FieldDecision(
        field, verdict, category, ents, operator, citation=citation, reason=reason, **kw
    )


def decisions() -> list[DeliveryDecision]:
    """Four deliveries: clean, with an undeclared field, denied, and blocked by verification."""
    fraud = DeliveryDecision(
        delivery="cdr-to-fraud-analytics",
        dataset="cdr",
        recipient="Fraudwatch Analytics Inc.",
        recipient_class="processor",
        purpose="fraud_prevention",
        legal_basis="legitimate interest (LI-2024-03)",
        status=DeliveryStatus.PROCEED,
        citation=FRAUD,
        quasi_identifiers=("calldate",),
        min_k=5,
        fields=(
            _fd(
                "calldate",
                Verdict.GENERALIZE,
                None,
                (),
                "truncate_datetime",
                FRAUD,
                "Call times are kept to the hour for fraud patterns.",
                params={"unit": "hour"},
            ),
            _fd(
                "src",
                Verdict.PSEUDONYMIZE,
                "contact.phone",
                ("PHONE_NUMBER",),
                "hmac_pseudonym",
                FRAUD,
                "Numbers are linked across calls without being revealed.",
                params={"key_id": "k-7f3a9c", "prefix": "ph_"},
            ),
            _fd(
                "dst",
                Verdict.PSEUDONYMIZE,
                "contact.phone",
                ("PHONE_NUMBER",),
                "hmac_pseudonym",
                FRAUD,
                "Numbers are linked across calls without being revealed.",
                params={"key_id": "k-7f3a9c", "prefix": "ph_"},
            ),
            _fd(
                "clid",
                Verdict.REDACT,
                "identity.name",
                ("PERSON", "PHONE_NUMBER"),
                "redact",
                SHARE,
                "Caller names are not needed for fraud scoring.",
            ),
            _fd("duration", Verdict.ALLOW, None, (), None, None, "Not personal data."),
        ),
    )
    collections = DeliveryDecision(
        delivery="billing-to-collections",
        dataset="billing",
        recipient="Northshore Collections Ltd.",
        recipient_class="processor",
        purpose="debt_collection",
        legal_basis="contract (ToS 7.2)",
        status=DeliveryStatus.PROCEED,
        citation=SHARE,
        token_scope=TokenScope.SHARED,  # the other deliveries keep the default, per recipient
        fields=(
            _fd(
                "account_id",
                Verdict.ALLOW,
                "account.id",
                ("ACCOUNT_NUMBER",),
                None,
                SHARE,
                "The collector needs the account to match payments.",
            ),
            _fd(
                "email",
                Verdict.ALLOW,
                "contact.email",
                ("EMAIL_ADDRESS",),
                None,
                SHARE,
                "The collector contacts the account holder.",
            ),
            _fd(
                "phone",
                Verdict.ALLOW,
                "contact.phone",
                ("PHONE_NUMBER",),
                None,
                SHARE,
                "The collector contacts the account holder.",
            ),
            _fd(
                "billing_address",
                Verdict.MASK,
                "contact.address",
                ("STREET_ADDRESS",),
                "mask_chars",
                SHARE,
                "Only the city is needed.",
                params={"keep_last": 0},
                declared=False,
            ),
            _fd(
                "card_last4",
                Verdict.DROP,
                "financial.card",
                ("CREDIT_CARD",),
                "drop",
                SHARE,
                "Card data is never shared.",
            ),
            _fd("amount", Verdict.ALLOW, None, (), None, None, "Not personal data."),
            _fd("marketing_consent", Verdict.DROP, None, (), "drop", None, "Not needed."),
        ),
    )
    training = DeliveryDecision(
        delivery="tickets-to-ml-vendor",
        dataset="tickets",
        recipient="Acme Speech AI",
        recipient_class="third_party",
        purpose="model_training",
        legal_basis=None,
        status=DeliveryStatus.DENIED,
        fields=(
            _fd("ticket_id", Verdict.ALLOW, None, (), None, None, "Not personal data."),
            _fd(
                "body",
                Verdict.DENY,
                "communications.content",
                ("PERSON", "EMAIL_ADDRESS"),
                None,
                None,
                "No clause allows ticket text for model training.",
                free_text=True,
            ),
        ),
        denial_reasons=(
            "No clause of voipms 2024.1 allows purpose 'model_training' for recipient class "
            "'third_party'.",
        ),
        unblock_hints=(
            "Obtain consent and add a consent row filter, or change the purpose to one the "
            "policy allows (e.g. service_improvement with a processor).",
        ),
    )
    marketing = DeliveryDecision(
        delivery="billing-to-marketing",
        dataset="billing",
        recipient="Brightwave Marketing",
        recipient_class="processor",
        purpose="marketing",
        legal_basis="consent",
        status=DeliveryStatus.PROCEED,
        citation=MARKETING,
        row_filters=(RowFilter("marketing_consent", "Marketing needs opt-in consent.", MARKETING),),
        fields=(
            _fd(
                "account_id",
                Verdict.PSEUDONYMIZE,
                "account.id",
                ("ACCOUNT_NUMBER",),
                "hmac_pseudonym",
                MARKETING,
                "Linkable without revealing the account.",
                params={"key_id": "k-7f3a9c"},
            ),
            _fd(
                "email",
                Verdict.PSEUDONYMIZE,
                "contact.email",
                ("EMAIL_ADDRESS",),
                "hmac_pseudonym",
                MARKETING,
                "The vendor de-duplicates but never mails directly.",
                params={"key_id": "k-7f3a9c", "salt": "s3cr3t-never-shown"},
            ),
            _fd(
                "phone",
                Verdict.DROP,
                "contact.phone",
                ("PHONE_NUMBER",),
                "drop",
                MARKETING,
                "No phone campaigns.",
            ),
            _fd(
                "billing_address",
                Verdict.GENERALIZE,
                "contact.address",
                ("STREET_ADDRESS",),
                "postal_prefix",
                MARKETING,
                "Region only.",
                params={"digits": 3},
            ),
            _fd(
                "card_last4",
                Verdict.DROP,
                "financial.card",
                ("CREDIT_CARD",),
                "drop",
                SHARE,
                "Card data is never shared.",
            ),
            _fd("amount", Verdict.ALLOW, None, (), None, None, "Not personal data."),
            _fd("marketing_consent", Verdict.DROP, None, (), "drop", None, "Used for filtering."),
        ),
    )
    return [training, marketing, fraud, collections]


def results() -> list[DeliveryResult]:
    """Results for the deliveries that ran; the denied one has none."""
    return [
        DeliveryResult(
            delivery="cdr-to-fraud-analytics",
            outcome=DeliveryOutcome.DELIVERED,
            rows_in=5000,
            rows_quarantined=0,
            rows_filtered=0,
            output_path="out/cdr-to-fraud-analytics/cdr.parquet",
            output_sha256=sha("fraud-out"),
            key_id="k-7f3a9c",
            schema=(FieldOutput("src", "hmac_pseudonym", "string", "string"),),
            risk=RiskFigures(
                quasi_identifiers=("calldate",),
                rows=4990,
                classes=120,
                min_k=6,
                rows_below_5=0,
                rows_below_10=240,
                unique_rows=0,
                k_bands=(("1", 0), ("2-4", 0), ("5-9", 240), ("10-49", 3100), ("50+", 1650)),
            ),
            rows_withheld=10,
            rows_out=4990,
        ),
        DeliveryResult(
            delivery="billing-to-collections",
            outcome=DeliveryOutcome.DELIVERED,
            rows_in=1000,
            rows_out=997,
            rows_quarantined=3,
            rows_filtered=0,
            output_path="out/billing-to-collections/billing.parquet",
            output_sha256=sha("collections-out"),
            key_id="k-7f3a9c",
        ),
        DeliveryResult(
            delivery="billing-to-marketing",
            outcome=DeliveryOutcome.BLOCKED,
            rows_in=1000,
            rows_out=0,
            rows_quarantined=3,
            rows_filtered=0,
            output_path=None,
            output_sha256=None,
            key_id="k-7f3a9c",
            residual=(
                ResidualFinding(
                    "billing_address",
                    "STREET_ADDRESS",
                    12,
                    masked("billing", "billing_address", "STREET_ADDRESS"),
                ),
            ),
            blocked_reasons=(
                "Verification re-scan found personal data in 'billing_address' after "
                "generalization.",
            ),
        ),
    ]


def run_info() -> RunInfo:
    return RunInfo(
        started_at=datetime(2026, 11, 2, 6, 0, 0, tzinfo=UTC),
        finished_at=datetime(2026, 11, 2, 6, 4, 31, tzinfo=UTC),
        policy_name="voipms",
        policy_version="2024.1",
        policy_sha256=sha("voipms-pack"),
        config_path="conf/pipeline.yaml",
        config_sha256=sha("pipeline.yaml"),
        key_id="k-7f3a9c",
        run_id="6f1c2a7e-1b1d-4c55-9a0e-3f7d2b8c9d10",
        flow="teleprivacy-pipeline",
        code_version="0.1.0+gfixed",
    )


def build_fake_report() -> RunReport:
    return build_run_report(run_info(), dataset_infos(), profiles(), decisions(), results())
