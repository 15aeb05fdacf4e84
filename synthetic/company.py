"""The provider's own identity: names, domains and public numbers that are not personal data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Company:
    """Public contact details of the fictional provider; detectors allow-list these."""

    name: str
    short_name: str
    domains: tuple[str, ...]
    support_emails: tuple[str, ...]
    support_numbers: tuple[str, ...]
    website: str

    @property
    def allow_list(self) -> tuple[str, ...]:
        """Everything a detector should not report as customer data."""
        return (self.name, self.short_name, *self.domains, *self.support_emails,
                *self.support_numbers, self.website)  # fmt: skip


COMPANY = Company(
    name="Northwind Voice",
    short_name="Northwind",
    domains=("example.net", "pbx.example.net", "sip.example.net"),
    support_emails=("support@example.net", "billing@example.net", "noc@example.net"),
    support_numbers=("+1 514 555 0100", "1-800-555-0100", "+1 416 555 0100"),
    website="https://www.example.net/support",
)
