"""Flat columns derived from an :class:`Article` (shared by the stores and the exporters)."""

from __future__ import annotations

import email.utils
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from pydantic import ValidationError
from pydantic_core import PydanticSerializationError

from narrascope.doc import SCHEMA_VERSION, Article
from narrascope.errors import Codes, StoreError

__all__ = ["ArticleRow", "EntityRow", "article_row", "article_status", "entities_text", "date_key", "is_date_only", "decode_record"]

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class EntityRow:
    entity_id: str
    name: str
    type: str
    n_mentions: int


@dataclass(frozen=True)
class ArticleRow:
    """What a store writes for one article: the flat columns, the entities and the full record JSON."""

    id: str
    title: str
    source: str | None
    url: str | None
    published: str | None
    published_key: str | None
    language: str | None
    status: str
    n_entities: int
    schema_version: str
    record: str
    entities: tuple[EntityRow, ...]


def article_status(article: Article) -> str:
    """``"failed"`` when any component note has status ``failed``, else ``"ok"``."""
    return "failed" if article.failed_notes else "ok"


def entities_text(article: Article) -> str:
    """``"name (type); name (type)"`` for flat exports."""
    return "; ".join(f"{e.name} ({e.type})" for e in article.entities)


def is_date_only(value: str) -> bool:
    return bool(_DATE_ONLY.match(value.strip()))


def date_key(value: str | date | datetime | None) -> str | None:
    """A sortable key for a publication date: ``YYYY-MM-DD`` for dates, ``YYYY-MM-DDTHH:MM:SS``
    (UTC when the value has a time zone) for datetimes; ``None`` when it cannot be parsed.

    Accepts ISO 8601 and RFC 2822 (feed) dates.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        return value.isoformat()
    else:
        text = value.strip()
        if not text:
            return None
        if is_date_only(text):
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                return None
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            try:
                dt = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.isoformat(timespec="seconds")


def article_row(article: object, position: int | None = None) -> ArticleRow:
    """Flatten one article; StoreError S002 when it is not an Article or cannot be serialised."""
    where = f"item {position}" if position is not None else "article"
    if not isinstance(article, Article):
        raise StoreError(f"{where} is not an Article (got {type(article).__name__})", code=Codes.STORE_WRITE)
    if not article.id or not article.id.strip():
        raise StoreError(f"{where} has an empty id", code=Codes.STORE_WRITE)
    try:
        record = article.model_dump_json()
    except (PydanticSerializationError, ValueError, TypeError) as exc:
        raise StoreError(
            f"cannot serialise article to JSON: {exc}", code=Codes.STORE_WRITE, source=f"article {article.id}"
        ) from exc
    entities = tuple(
        EntityRow(entity_id=e.id, name=e.name, type=e.type, n_mentions=len(e.mentions)) for e in article.entities
    )
    return ArticleRow(
        id=article.id,
        title=article.title,
        source=article.meta.source,
        url=article.meta.url,
        published=article.meta.published,
        published_key=date_key(article.meta.published),
        language=article.language,
        status=article_status(article),
        n_entities=len(article.entities),
        schema_version=article.schema_version,
        record=record,
        entities=entities,
    )


def decode_record(article_id: str, record: str, location: str) -> Article:
    """The stored record JSON of ``article_id`` as an :class:`Article`; a record this version cannot
    read is a StoreError (S003) naming the field and the record's schema version."""
    try:
        return Article.model_validate_json(record)
    except ValidationError as exc:
        try:
            version = json.loads(record).get("schema_version")
        except (ValueError, AttributeError):
            version = None
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        hint = ""
        if version != SCHEMA_VERSION:
            hint = (
                f"; it was written with record schema {version!r} and this narrascope reads "
                f"{SCHEMA_VERSION!r} — upgrade narrascope"
            )
        raise StoreError(
            f"stored record of article {article_id!r} cannot be read: {where}: {first['msg']}{hint}",
            code=Codes.STORE_SCHEMA,
            source=location,
        ) from exc
