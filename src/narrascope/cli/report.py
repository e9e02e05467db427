"""Readable terminal report of one analysed article (Rich).

Shows what the pipeline found, each layer only when it is there: the header
(title, id, language, sizes), removed boilerplate, entities with their mentions,
roles, narratives and explanation, persuasion techniques highlighted in the text,
genre, and the notes of components that skipped or failed.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from narrascope.doc import Article

__all__ = ["render_article", "print_article"]

ROLE_STYLE = {"Protagonist": "bold green", "Antagonist": "bold red", "Innocent": "bold cyan"}


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header(article: Article) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("Title", Text(article.title or "(none)"))
    grid.add_row("Id", article.id)
    lang = article.language or "?"
    if article.language_score is not None:
        lang += f" ({article.language_score:.2f})"
    grid.add_row("Language", lang)
    body = article.body
    grid.add_row("Clean body", f"{len(body):,} characters, {len(body.split()):,} words")
    removed = sum(r.end - r.start for r in article.removed)
    grid.add_row("Removed", f"{len(article.removed)} span(s), {removed:,} characters of boilerplate")
    meta = article.meta
    for label, value in (("Source", meta.source), ("URL", meta.url), ("Published", meta.published), ("Read from", meta.path)):
        if value:
            grid.add_row(label, Text(value))
    if article.genre:
        grid.add_row("Genre", f"{article.genre.label} ({article.genre.confidence:.2f})")
    return grid


def _removed(article: Article) -> Table:
    table = Table(title="Boilerplate removed", title_justify="left", expand=True)
    table.add_column("Reason", style="yellow", no_wrap=True)
    table.add_column("Chars", justify="right")
    table.add_column("Text")
    for span in article.removed:
        table.add_row(span.reason, str(span.end - span.start), Text(_short(span.text, 90)))
    return table


def _entities(article: Article) -> Table:
    roles = {r.entity_id: r for r in article.entity_roles}
    table = Table(title=f"Entities ({len(article.entities)})", title_justify="left", expand=True)
    table.add_column("Entity", style="bold")
    table.add_column("Type")
    table.add_column("Mentions", justify="right")
    table.add_column("As written")
    if roles:
        table.add_column("Role")
    for entity in sorted(article.entities, key=lambda e: (-len(e.mentions), e.name)):
        forms = Counter(m.text for m in entity.mentions)
        written = ", ".join(f"{form} ×{n}" if n > 1 else form for form, n in forms.most_common())
        row = [Text(entity.name), entity.type, str(len(entity.mentions)), Text(_short(written, 60))]
        if roles:
            agg = roles.get(entity.id)
            if agg:
                fine = ", ".join(f"{name} ×{n}" if n > 1 else name for name, n in agg.fine_roles.items())
                row.append(Text(f"{agg.main_role}: {fine} ({agg.confidence:.2f})", style=ROLE_STYLE.get(agg.main_role, "")))
            else:
                row.append("")
        table.add_row(*row)
    return table


def _narratives(article: Article) -> Table:
    table = Table(title=f"Narratives (domain: {article.domain or '?'})", title_justify="left", expand=True)
    table.add_column("Narrative", style="bold")
    table.add_column("Sub-narrative")
    table.add_column("Conf.", justify="right")
    table.add_column("Evidence")
    for label in article.narratives:
        evidence = _short(label.evidence[0].text, 80) if label.evidence else ""
        table.add_row(Text(label.narrative), Text(label.subnarrative or "—"), f"{label.confidence:.2f}", Text(evidence))
    return table


def _explanation(article: Article) -> Panel | None:
    if article.explanation is None:
        return None
    body = Text(article.explanation.text)
    for claim in article.explanation.claims:
        for span in claim.evidence:
            body.append(f"\n  ↳ [{span.start}:{span.end}] “{_short(span.text, 90)}”", style="dim")
    return Panel(body, title=f"Why: {article.explanation.label}", title_align="left")


def _techniques(article: Article) -> Group:
    """One row per technique: how many paragraphs, sentences and short spans carry it, and the
    most confident short span (or sentence) as the example."""
    levels = ("paragraph", "sentence", "span")
    counts: dict[str, Counter[str]] = {}
    for span in article.techniques:
        counts.setdefault(span.technique, Counter())[span.level] += 1
    table = Table(title="Persuasion techniques", title_justify="left", expand=True)
    table.add_column("Technique", style="bold magenta")
    for level in levels:
        table.add_column(f"{level.capitalize()}s", justify="right")
    table.add_column("Example")
    order = sorted(counts, key=lambda name: (-sum(counts[name].values()), name))
    for name in order:
        found = [t for t in article.techniques if t.technique == name]
        short = [t for t in found if t.level == "span"] or [t for t in found if t.level == "sentence"] or found
        best = max(short, key=lambda t: t.confidence)
        table.add_row(name, *(str(counts[name][level] or "") for level in levels), Text(_short(best.text, 70)))
    text = Text(article.text)
    for span in article.techniques:
        if span.level == "span":
            text.stylize("bold magenta underline", span.start, span.end)
    return Group(table, Panel(text, title="Text (technique spans highlighted)", title_align="left"))


def render_article(article: Article) -> Group:
    parts: list = [Panel(_header(article), title="narrascope", title_align="left")]
    if article.removed:
        parts.append(_removed(article))
    if article.entities:
        parts.append(_entities(article))
    if article.narratives:
        parts.append(_narratives(article))
    explanation = _explanation(article)
    if explanation is not None:
        parts.append(explanation)
    if article.techniques:
        parts.append(_techniques(article))
    if article.notes:
        notes = Table(title="Notes", title_justify="left", expand=True)
        notes.add_column("Component")
        notes.add_column("Status")
        notes.add_column("Message")
        for note in article.notes:
            notes.add_row(note.component, note.status, Text(note.message))
        parts.append(notes)
    return Group(*parts)


def print_article(article: Article, console: Console | None = None) -> None:
    (console or Console()).print(render_article(article))
