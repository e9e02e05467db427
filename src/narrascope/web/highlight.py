"""Split an article's text into segments carrying the annotations that cover them.

Spans may overlap (an entity mention inside a technique sentence inside narrative
evidence), so the text is cut at every span boundary and each piece lists the layers
active over it.  Templates render the pieces escaped; nothing here produces HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from narrascope.doc import Article

__all__ = ["Segment", "Mark", "segments", "role_of_entities"]

ROLE_CLASS = {"Protagonist": "protagonist", "Antagonist": "antagonist", "Innocent": "innocent"}


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    layer: str  # role-protagonist | role-antagonist | role-innocent | entity | technique | technique-context | evidence
    label: str  # shown as the tooltip


@dataclass
class Segment:
    text: str
    classes: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @property
    def css(self) -> str:
        return " ".join(self.classes)

    @property
    def title(self) -> str:
        return "\n".join(self.labels)


def role_of_entities(article: Article) -> dict[str, str]:
    """entity id -> aggregated main role."""
    return {r.entity_id: r.main_role for r in article.entity_roles}


def _marks(article: Article) -> list[Mark]:
    marks: list[Mark] = []
    names = {e.id: e.name for e in article.entities}
    covered: set[tuple[int, int]] = set()
    for role in article.roles:
        cls = ROLE_CLASS.get(role.main_role, "entity")
        fine = ", ".join(role.fine_roles)
        label = f"{names.get(role.entity_id, role.mention.text)}: {role.main_role}" + (f" ({fine})" if fine else "")
        marks.append(Mark(role.mention.start, role.mention.end, f"role-{cls}", label))
        covered.add((role.mention.start, role.mention.end))
    aggregated = role_of_entities(article)
    for entity in article.entities:
        for mention in entity.mentions:
            if (mention.start, mention.end) in covered:
                continue
            main = aggregated.get(entity.id)
            layer = f"role-{ROLE_CLASS[main]}" if main in ROLE_CLASS else "entity"
            marks.append(Mark(mention.start, mention.end, layer,
                              f"{entity.name} ({entity.type})" + (f": {main}" if main else "")))
    sentences = [(t.technique, t.start, t.end) for t in article.techniques if t.level == "sentence"]
    for technique in article.techniques:
        label = f"technique: {technique.technique} ({technique.confidence:.2f})"
        if technique.level == "span":  # the words that carry it
            marks.append(Mark(technique.start, technique.end, "technique", label))
        elif technique.level == "sentence" or not any(
            name == technique.technique and technique.start <= s and e <= technique.end for name, s, e in sentences
        ):  # the sentence (or a paragraph without sentence-level detail)
            marks.append(Mark(technique.start, technique.end, "technique-context", label))
    for narrative in article.narratives:
        name = narrative.subnarrative or narrative.narrative
        for span in narrative.evidence:
            marks.append(Mark(span.start, span.end, "evidence", f"narrative evidence: {name}"))
    n = len(article.text)
    return [m for m in marks if 0 <= m.start < m.end <= n]


def segments(article: Article) -> list[Segment]:
    """The clean text as consecutive segments; each lists the layers (CSS classes) and labels over it."""
    text = article.text
    marks = _marks(article)
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[Segment] = []
    for start, end in zip(cuts, cuts[1:]):
        active = [m for m in marks if m.start <= start and end <= m.end]
        classes = sorted({_css(m.layer) for m in active})
        labels = list(dict.fromkeys(m.label for m in active))
        if out and out[-1].classes == classes and out[-1].labels == labels:
            out[-1].text += text[start:end]
        else:
            out.append(Segment(text[start:end], classes, labels))
    return out


def _css(layer: str) -> str:
    return f"hl-{layer}"
