"""Articles with HTML/JS payloads in the title, outlet and body (they must render as text)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from api_corpus import annotated, corpus  # noqa: E402  (tests/api/api_corpus.py)

XSS_TITLE = 'Breaking <script>window.__xss = 1</script> <img src=x onerror="window.__xss = 2">'
XSS_BODY = ('The <b>mayor</b> said <script>document.title = "pwned"</script> and '
            '<img src="nope" onerror="window.__xss = 3"> nothing else. Mayor Jones laughed.')


def browser_corpus():
    hostile = annotated("xss1", title=XSS_TITLE, body=XSS_BODY, source="<i>Evil</i> Outlet", published="2024-12-23",
                        roles={"Jones": "Antagonist"}, narratives=[("Praise of Russia", None)],
                        techniques=[("Loaded_Language", "laughed")])
    return [*corpus(), hostile]
