"""Render `report.html`: one self-contained page (inline CSS and SVG, no scripts, no fetches)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from reports.model import DatasetReport, DeliveryReport, Finding, RunReport

BAR_HEIGHT = 22
LABEL_WIDTH = 300
BAR_AREA = 320
CHART_WIDTH = LABEL_WIDTH + BAR_AREA + 110


@dataclass(frozen=True)
class Bar:
    """One bar of an entity chart: estimated values holding an entity in one field's sample."""

    label: str
    value: int
    rate: float
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    dataset: str
    bars: tuple[Bar, ...]
    height: int
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH


def entity_chart(dataset: DatasetReport) -> Chart:
    """Bars per (field, entity type): match rate x non-null sampled rows, scaled to the largest."""
    raw = [
        (
            f"{f.name} · {e.entity_type}",
            round(e.match_rate * f.rows_sampled * (1 - f.null_rate)),
            e.match_rate,
        )
        for f in dataset.fields
        for e in f.entities
    ]
    top = max((value for _, value, _ in raw), default=0) or 1
    bars = tuple(
        Bar(label, value, rate, y=i * (BAR_HEIGHT + 6), width=max(1, round(BAR_AREA * value / top)))
        for i, (label, value, rate) in enumerate(raw)
    )
    return Chart(dataset=dataset.name, bars=bars, height=max(1, len(bars)) * (BAR_HEIGHT + 6))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = lambda rate: f"{rate:.0%}"
    return env


def findings_for(report: RunReport, delivery: DeliveryReport) -> list[Finding]:
    """The findings that make a delivery amber (or that explain a red one)."""
    return [f for f in report.findings if f.concerns(delivery.name, delivery.dataset)]


def render_html(report: RunReport) -> str:
    """The whole report as one HTML document, summary first, details after."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        charts={d.name: entity_chart(d) for d in report.datasets},
        findings_for=lambda d: findings_for(report, d),
        bar_height=BAR_HEIGHT,
        bar_area=BAR_AREA,
    )
