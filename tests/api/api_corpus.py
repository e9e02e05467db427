"""The API and browser tests' corpus: small, fully annotated articles (spans found in the text)."""

from __future__ import annotations

from narrascope.doc import (
    Article,
    ArticleMeta,
    DuplicateInfo,
    Entity,
    EntityRoles,
    Explanation,
    Mention,
    NarrativeLabel,
    RoleAssignment,
    Span,
    TechniqueSpan,
)


def annotated(
    article_id: str,
    *,
    title: str,
    body: str,
    source: str | None = "Daily Planet",
    published: str | None = "2024-12-19",
    language: str = "en",
    roles: dict[str, str] | None = None,
    narratives: list[tuple[str, str | None]] | None = None,
    techniques: list[tuple[str, str]] | None = None,
    cluster: str | None = None,
) -> Article:
    """An article whose entity names, technique phrases and evidence are found in the text by search."""
    text = f"{title}\n\n{body}"
    art = Article(id=article_id, title=title, raw_text=text, text=text, body_start=len(title) + 2,
                  meta=ArticleMeta(source=source, published=published, format="text"), language=language)
    art.sentences = [art.span(0, len(title)), art.span(len(title) + 2, len(text))]
    for i, (name, role) in enumerate((roles or {}).items()):
        start = text.index(name)
        mention = Mention(start=start, end=start + len(name), text=name, label="PERSON", sentence=1)
        art.entities.append(Entity(id=f"e{i}", name=name, type="person", mentions=[mention]))
        art.roles.append(RoleAssignment(entity_id=f"e{i}", mention=Span(start=start, end=start + len(name), text=name),
                                        main_role=role, fine_roles=[], confidence=0.8))
        art.entity_roles.append(EntityRoles(entity_id=f"e{i}", main_role=role, fine_roles={}, confidence=0.8))
    for narrative, sub in narratives or []:
        art.narratives.append(NarrativeLabel(domain="URW", narrative=narrative, subnarrative=sub, confidence=0.7,
                                             evidence=[art.sentences[1]]))
    if art.narratives:
        art.domain = "URW"
        art.explanation = Explanation(label=art.narratives[0].narrative, text=body[:80])
    for technique, phrase in techniques or []:
        start = text.index(phrase)
        art.techniques.append(TechniqueSpan(start=start, end=start + len(phrase), text=phrase, technique=technique,
                                            confidence=0.9, level="span"))
    if cluster:
        art.duplicates = DuplicateInfo(cluster_id=cluster, earliest_id=article_id, members=[article_id])
    art.validate_spans()
    return art


def corpus() -> list[Article]:
    """Seven articles over two months, two outlets, two languages, one duplicate cluster."""
    return [
        annotated("a1", title="Assad flees to Moscow", body="Bashar al-Assad arrived in Moscow. Putin granted asylum "
                  "to the brutal dictator.", source="The Moscow Times", published="2024-12-19",
                  roles={"Assad": "Antagonist", "Putin": "Protagonist"},
                  narratives=[("Praise of Russia", "Russia is a reliable partner")],
                  techniques=[("Name_Calling-Labeling", "brutal dictator")], cluster="c1"),
        annotated("a2", title="Assad in exile", body="Assad now lives in Moscow, reports say. Putin stays silent.",
                  source="Daily Planet", published="2024-12-20", roles={"Assad": "Antagonist", "Putin": "Antagonist"},
                  narratives=[("Praise of Russia", None)], cluster="c1"),
        annotated("a3", title="Civilians flee Damascus", body="Thousands of civilians fled as the regime collapsed.",
                  source="Daily Planet", published="2024-11-02", roles={"civilians": "Innocent"},
                  narratives=[("Blaming the war on others", None)],
                  techniques=[("Appeal_to_Fear-Prejudice", "regime collapsed")]),
        annotated("a4", title="Markets calm", body="Oil prices were flat on Monday.", source="Daily Planet",
                  published="2024-11-05"),
        annotated("a5", title="Die Lage in Syrien", body="Assad ist in Moskau.", source="Berliner Blatt",
                  published="2024-12-21", language="de", roles={"Assad": "Antagonist"}),
        annotated("a6", title="Undated note", body="Nothing about a date here.", source=None, published=None),
        annotated("a7", title="Putin speaks", body="Putin praised the heroic troops again.", source="The Moscow Times",
                  published="2024-12-22", roles={"Putin": "Protagonist"},
                  narratives=[("Praise of Russia", "Russia is a guarantor of peace")],
                  techniques=[("Loaded_Language", "heroic troops")]),
    ]
