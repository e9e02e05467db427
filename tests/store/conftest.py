"""Fixtures for the store tests: real stores (a SQLite file in tmp_path, and a fresh schema on a real
PostgreSQL server, see store_backends.py) and fully annotated Articles."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from narrascope.doc import (
    Article,
    ArticleMeta,
    Claim,
    ComponentNote,
    DuplicateInfo,
    Entity,
    EntityRoles,
    Explanation,
    Genre,
    Mention,
    NarrativeLabel,
    OffsetSegment,
    RemovedSpan,
    RoleAssignment,
    TechniqueSpan,
)
from narrascope.store import SQLiteStore, Store
from store_backends import BACKENDS, Backend, make_backend

MakeArticle = Callable[..., Article]


def build_article(
    article_id: str = "a1",
    *,
    title: str = "Assad flees to Moscow",
    body: str = "Bashar al-Assad arrived in Moscow after the fall of Damascus. The Kremlin granted asylum.",
    published: str | None = "2024-12-19",
    source: str | None = "The Moscow Times",
    language: str | None = "en",
    failed: bool = False,
) -> Article:
    """An article with every kind of annotation, all spans checked against the text."""
    text = f"{title}\n\n{body}"
    trailer = "\nSee Also:\nSomething else\n"
    raw = text + trailer
    art = Article(
        id=article_id,
        title=title,
        raw_text=raw,
        text=text,
        body_start=len(title) + 2,
        offset_map=[OffsetSegment(clean_start=0, raw_start=0, length=len(text))],
        removed=[RemovedSpan(start=len(text), end=len(raw), text=trailer, reason="see-also")],
        meta=ArticleMeta(url=f"https://example.org/{article_id}", source=source, published=published, format="text"),
        language=language,
        language_score=0.97,
    )
    art.sentences = [art.span(0, len(title)), art.span(len(title) + 2, len(text))]
    entities = []
    for i, (name, word, etype, label) in enumerate(
        [
            ("Bashar al-Assad", "Assad", "person", "PERSON"),
            ("Moscow", "Moscow", "place", "GPE"),
            ("Kremlin", "Kremlin", "organisation", "ORG"),
        ]
    ):
        mentions = []
        start = text.find(word)
        while start != -1:
            mentions.append(Mention(start=start, end=start + len(word), text=word, label=label, sentence=0))
            start = text.find(word, start + 1)
        if mentions:
            entities.append(Entity(id=f"e{i}", name=name, type=etype, aliases=[word], mentions=mentions))
    art.entities = entities
    if entities:
        first = entities[0].mentions[0]
        art.roles = [
            RoleAssignment(
                entity_id=entities[0].id,
                mention=art.span(first.start, first.end),
                main_role="Antagonist",
                fine_roles=["Tyrant"],
                confidence=0.81,
                fine_scores={"Tyrant": 0.7, "Corrupt": 0.2},
                evidence=[art.sentences[1]],
            )
        ]
        art.entity_roles = [
            EntityRoles(entity_id=entities[0].id, main_role="Antagonist", fine_roles={"Tyrant": 1}, confidence=0.81)
        ]
    art.domain = "URW"
    art.narratives = [
        NarrativeLabel(domain="URW", narrative="Praise of Russia", subnarrative=None, confidence=0.6,
                       evidence=[art.sentences[1]])
    ]
    art.explanation = Explanation(label="Praise of Russia", text="Russia is shown as a safe haven.",
                                  claims=[Claim(text="asylum granted", evidence=[art.sentences[1]])])
    art.techniques = [
        TechniqueSpan(start=0, end=len(title), text=title, technique="Loaded_Language", confidence=0.4)
    ]
    art.genre = Genre(label="reporting", confidence=0.9)
    art.duplicates = DuplicateInfo(cluster_id="c1", earliest_id=article_id, members=[article_id])
    art.notes = [ComponentNote(component="techniques", status="failed" if failed else "skipped",
                               code="M001" if failed else None, message="model missing" if failed else "not en")]
    art.components = ["language", "entities", "roles"]
    art.extras = {"score": 1.5, "tags": ["a", "b"], "nested": {"k": None}}
    art.validate_spans()
    return art


@pytest.fixture
def make_article() -> MakeArticle:
    return build_article


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "narrascope.db"


@pytest.fixture(params=BACKENDS)
def store_factory(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Backend]:
    """Each backend in turn: call it to open the test's store (the same one every time)."""
    backend = make_backend(request.param, db_path)
    yield backend
    backend.cleanup()


@pytest.fixture
def store(store_factory: Backend) -> Iterator[Store]:
    s = store_factory()
    yield s
    s.close()


@pytest.fixture
def sqlite_store(db_path: Path) -> Iterator[SQLiteStore]:
    """For the SQLite-specific tests (FTS5 syntax, files, WAL, size cap)."""
    s = SQLiteStore(db_path)
    yield s
    s.close()


@pytest.fixture
def immutable() -> Iterator[Callable[[Path], None]]:
    """Make a path immutable with ``chattr +i`` (a read-only file even for root); undone afterwards."""
    done: list[Path] = []

    def apply(path: Path) -> None:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is not available to make a file read-only for root")
        result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"chattr +i is not permitted here ({result.stderr.strip()})")
        done.append(path)

    yield apply
    for path in done:
        subprocess.run(["chattr", "-i", str(path)], check=False)
