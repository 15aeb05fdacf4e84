"""report.html is one self-contained, escaped page with the summary first and clauses inline."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from reports_fakerun import build_fake_report

from reports import RunReport
from reports.html import entity_chart, render_html


class _Collector(HTMLParser):
    """Collects tags, link-like attributes and visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in {"src", "href", "srcset", "action", "poster", "data", "xlink:href"}:
                self.links.append((tag, name, value or ""))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_self_contained(report: RunReport) -> None:
    """No scripts, stylesheets, images or frames from anywhere; links only to page anchors."""
    html = render_html(report)
    page = _parse(html)
    assert {"script", "link", "img", "iframe", "object", "embed"}.isdisjoint(page.tags)
    assert all(value.startswith("#") for _, name, value in page.links if name == "href")
    assert [link for link in page.links if link[1] != "href"] == []
    assert "<script" not in html.lower()
    assert "url(" not in html and "@import" not in html
    # one entity chart per dataset, one class-size chart per delivery with a risk section
    assert page.tags.count("svg") == 3 + 1
    assert page.tags.count("style") == 1


def test_risk_section_shows_k_and_the_gate(report: RunReport) -> None:
    """A delivery's risk: its quasi-identifiers, min k, shares and what the gate withheld."""
    html = render_html(report)
    section = html[html.index("Re-identification risk") :]
    assert "<code>calldate</code>" in section[:200]
    assert "min k 6" in section and "Release gate: k ≥ 5, reached by withholding 10 rows" in section
    assert 'aria-label="Delivered rows by class size in cdr-to-fraud-analytics"' in section


def test_summary_comes_before_details(report: RunReport) -> None:
    """Traffic lights and findings come before the per-delivery detail and the datasets."""
    html = render_html(report)
    order = [
        html.index(s) for s in ('id="summary"', 'id="findings"', 'id="deliveries"', 'id="datasets"')
    ]
    assert order == sorted(order)
    summary = html[html.index('id="summary"') : html.index('id="findings"')]
    for label in ("Delivered", "Needs review", "Blocked", "Denied"):
        assert f'<span class="dot" aria-hidden="true"></span>{label}</span>' in summary


def test_clause_quote_section_and_seed_sit_in_each_decision_row(report: RunReport) -> None:
    """Every decision with a citation shows quote, section and seed in its own table row."""
    html = render_html(report)
    rows = html.split("<tr>")
    for d in report.deliveries:
        for fd in d.fields:
            if fd.citation is None:
                continue
            row = next(r for r in rows if f"<code>{fd.field}</code>" in r and fd.reason in r)
            assert fd.citation.quote in row
            assert fd.citation.section in row
            assert fd.citation.seed in row


def test_blocked_box_shows_blockers_and_unblock(report: RunReport) -> None:
    """The red box names what blocked a delivery and what would unblock it."""
    html = render_html(report)
    denied = next(d for d in report.deliveries if d.name == "tickets-to-ml-vendor")
    box = html[html.index("What blocked it", html.index("<h3>tickets-to-ml-vendor</h3>")) :]
    box = box[: box.index("</div>")]
    for text in (*denied.blockers, *denied.unblock):
        assert text.replace("'", "&#39;") in box


def _renamed(name: str) -> str:
    report = build_fake_report()
    first = dataclasses.replace(report.deliveries[0], name=name, recipient=name)
    return render_html(dataclasses.replace(report, deliveries=(first, *report.deliveries[1:])))


_BASELINE_TAGS = _parse(_renamed("plain name")).tags


@settings(max_examples=40, deadline=None)
@given(name=st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_names_are_escaped(name: str) -> None:
    """Whatever a delivery is called, it renders as text, never as markup."""
    page = _parse(_renamed(name))
    assert page.tags == _BASELINE_TAGS
    assert name in "".join(page.text)


def test_entity_chart_scales_to_largest_bar(report: RunReport) -> None:
    """Bars are proportional to estimated matched values; the largest fills the bar area."""
    billing = next(d for d in report.datasets if d.name == "billing")
    chart = entity_chart(billing)
    assert [b.label for b in chart.bars][:2] == [
        "account_id · ACCOUNT_NUMBER",
        "email · EMAIL_ADDRESS",
    ]
    assert max(b.width for b in chart.bars) == 320
    assert [b.value for b in chart.bars] == [1000, 960, 970, 620, 400]
