"""Plain-text table of decisions, as `teleprivacy check` prints it."""

from __future__ import annotations

from collections.abc import Sequence

from policy.decisions import DeliveryDecision, DeliveryStatus

HEADERS = ("delivery", "field", "verdict", "operator", "category", "section")


def format_decision_table(decisions: Sequence[DeliveryDecision]) -> str:
    """One row per field; each delivery followed by its status, row filters and denial reasons."""
    rows: list[tuple[str, ...]] = [HEADERS]
    notes: list[str] = []
    for decision in decisions:
        for field in decision.fields:
            params = ",".join(f"{k}={v}" for k, v in field.params.items())
            operator = f"{field.operator}({params})" if params else field.operator or "-"
            if field.free_text and field.operator:
                operator += " [spans]"
            rows.append((
                decision.delivery,
                field.field if field.declared else f"{field.field} (undeclared)",
                str(field.verdict),
                operator,
                field.category or "-",
                field.citation.section if field.citation else "-",
            ))
        notes.append(_summary(decision))
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", *notes])


def _summary(decision: DeliveryDecision) -> str:
    head = f"{decision.delivery}: {decision.status}"
    if decision.citation:
        head += f" ({decision.citation.section})"
    lines = [head]
    lines += [f"  keep rows where {f.column} is true ({f.reason})" for f in decision.row_filters]
    if decision.status is DeliveryStatus.DENIED:
        lines += [f"  denied: {r}" for r in decision.denial_reasons]
        lines += [f"  to unblock: {h}" for h in decision.unblock_hints]
    return "\n".join(lines)
