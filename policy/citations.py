"""Check that every quote a pack cites appears verbatim in its seed policy text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from policy.decisions import Citation
from policy.pack import PolicyPack


def pack_citations(pack: PolicyPack) -> Iterator[tuple[str, Citation]]:
    """Every citation of `pack` with the YAML path it comes from."""
    for slug, purpose in pack.purposes.items():
        yield f"purposes.{slug}.citation", purpose.citation
        if purpose.disclosure_citation:
            yield f"purposes.{slug}.disclosure_citation", purpose.disclosure_citation
    for slug, cls in pack.recipient_classes.items():
        for grant in ("shared_tokens", "card_first_six"):
            if (citation := getattr(cls, grant)) is not None:
                yield f"recipient_classes.{slug}.{grant}.citation", citation
    for rule in pack.rules:
        yield f"rules[{rule.index}].citation", rule.citation


def verify_citations(pack: PolicyPack, seeds_dir: Path) -> list[str]:
    """Problems, one per quote that is not an exact substring of its seed file; [] when all are."""
    texts: dict[str, str | None] = {}
    problems = []
    for where, citation in pack_citations(pack):
        if citation.seed not in texts:
            path = seeds_dir / citation.seed
            texts[citation.seed] = path.read_text(encoding="utf-8") if path.is_file() else None
        text = texts[citation.seed]
        if text is None:
            problems.append(f"{pack.path}: {where}: seed file {citation.seed} not found in "
                            f"{seeds_dir}")
        elif citation.quote not in text:
            problems.append(f"{pack.path}: {where}: quote is not verbatim in {citation.seed}; "
                            "copy it exactly (typographic apostrophes, double spaces)")
    return problems
