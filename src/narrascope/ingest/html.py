"""HTML pages (main text and metadata via trafilatura) and HTML fragments (plain text via lxml)."""

from __future__ import annotations

import re
from pathlib import Path

from narrascope.config.settings import IngestSettings
from narrascope.doc import Article, ArticleMeta
from narrascope.errors import Codes, InputError
from narrascope.ingest.guards import read_input_bytes
from narrascope.ingest.make import join_title_body, make_article, one_line

__all__ = ["read_html_file", "article_from_html", "html_fragment_to_text", "MIN_BODY_CHARS"]

#: An extracted body with fewer letters than this is "no article" (N006): trafilatura returns
#: menus, log-in forms, 404 texts and "enable JavaScript" notices as text (all under 50 letters
#: in our fixtures), while a one-sentence news brief has well over 80.
MIN_BODY_CHARS = 80

_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr section article header footer figure "
    "figcaption dd dt dl hr".split()
)


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


def article_from_html(
    html: str | bytes,
    *,
    source: str,
    settings: IngestSettings,
    meta: ArticleMeta | None = None,
    title: str | None = None,
    article_id: str | None = None,
    url: str | None = None,
) -> Article:
    """Extract the main text of a page with trafilatura; its metadata fills the gaps in ``meta``.
    ``title`` (if given) wins over the page's title. A page without main text raises N006."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as exc:  # trafilatura/lxml give up on some malformed pages
        raise InputError(f"HTML could not be parsed: {exc}", code=Codes.NO_ARTICLE, source=source) from exc
    body = (getattr(doc, "text", None) or "") if doc is not None else ""
    page_title = one_line(getattr(doc, "title", None)) if doc is not None else ""
    title = one_line(title) or page_title
    if title:
        first, _, rest = body.lstrip().partition("\n")
        if one_line(first) == title:
            body = rest
    if _letters(body) < MIN_BODY_CHARS:
        raise InputError(
            "no article text found in the page (navigation, scripts or an empty page)",
            code=Codes.NO_ARTICLE,
            source=source,
        )
    meta = meta.model_copy(deep=True) if meta is not None else ArticleMeta()
    if doc is not None:
        meta.url = meta.url or getattr(doc, "url", None) or url
        meta.source = meta.source or getattr(doc, "sitename", None)
        meta.author = meta.author or getattr(doc, "author", None)
        meta.published = meta.published or getattr(doc, "date", None)
    return make_article(
        join_title_body(title, body),
        title=title or None,
        article_id=article_id,
        meta=meta,
        remove_boilerplate=settings.remove_boilerplate,
        source=source,
    )


def read_html_file(path: Path, settings: IngestSettings) -> Article:
    """Read one HTML page (size and binary guards apply; trafilatura decodes the bytes)."""
    source = str(path)
    data = read_input_bytes(Path(path), max_bytes=settings.max_bytes)
    return article_from_html(data, source=source, settings=settings, meta=ArticleMeta(format="html", path=source))


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed summaries): scripts and styles dropped, block
    elements on their own lines, entities decoded; text that is not HTML comes back as is."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment.strip()
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in _BLOCK_TAGS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
