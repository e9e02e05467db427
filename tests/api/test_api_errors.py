"""One error envelope for every error source; security: tokens, escaping, no path reads, headers."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from narrascope.api import create_app
from narrascope.api.security import check_bind, is_loopback
from narrascope.errors import ConfigError

TOKEN = "s3cret-token-0123456789"


def assert_envelope(response, status: int, *, source: str | None = None, text: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"ok", "error", "errors", "status"}
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert body["errors"] and all(set(e) == {"code", "message", "source"} for e in body["errors"])
    if source is not None:
        assert source in [e["source"] for e in body["errors"]], body
    if text is not None:
        assert text in body["error"], body
    return body


@pytest.mark.parametrize(
    ("method", "url", "params", "status", "source"),
    [
        ("get", "/api/articles/no-such-id", None, 404, None),  # store: not found
        ("get", "/api/articles", {"since": "yesterday"}, 400, "since"),  # store: bad query
        ("get", "/api/articles", {"until": "2024-13-45"}, 400, "until"),
        ("get", "/api/articles", {"role": "Villain"}, 400, "role"),
        ("get", "/api/articles", {"limit": 0}, 400, "limit"),  # validation
        ("get", "/api/articles", {"limit": 501}, 400, "limit"),
        ("get", "/api/articles", {"offset": -1}, 400, "offset"),
        ("get", "/api/articles", {"limit": "ten"}, 400, "limit"),
        ("get", "/api/articles", {"q": "x" * 501}, 400, "q"),
        ("get", "/api/search", None, 400, "q"),
        ("get", "/api/search", {"q": '"" * ()'}, 200, None),  # only quotes: words kept as literal tokens
        ("get", "/api/aggregates/narratives", {"bucket": "year"}, 400, "bucket"),
        ("get", "/api/aggregates/top-entities", {"limit": 1000}, 400, "limit"),
        ("get", "/api/export", {"format": "xml"}, 400, "format"),
        ("get", "/api/no/such/route", None, 404, None),  # routing
        ("delete", "/api/articles", None, 405, None),
        ("post", "/api/articles", None, 400, None),  # missing body
    ],
)
def test_every_error_uses_the_envelope(client: TestClient, method, url, params, status, source) -> None:
    response = getattr(client, method)(url, params=params)
    if status == 200:
        assert response.status_code == 200
        return
    assert_envelope(response, status, source=source)


def test_not_found_names_the_id_but_not_the_server_path(client: TestClient, filled_db) -> None:
    body = assert_envelope(client.get("/api/articles/nope"), 404, text="'nope'")
    assert str(filled_db) not in str(body) and body["errors"][0]["code"] == "S004"


def test_html_pages_get_an_html_error_page(client: TestClient) -> None:
    response = client.get("/articles/nope")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "no article with id" in response.text
    bad = client.get("/?since=<script>alert(1)</script>")
    assert bad.status_code == 400 and "<script>alert(1)" not in bad.text and "&lt;script&gt;" in bad.text


def test_unreadable_store_is_a_503_envelope(make_client, tmp_path) -> None:
    broken = tmp_path / "not-a-db.db"
    broken.write_text("this is not sqlite\n" * 100)
    client = make_client(path=broken)
    body = assert_envelope(client.get("/api/articles"), 503)
    assert str(broken) not in str(body)


def test_internal_errors_are_a_500_envelope(make_client) -> None:
    class Exploding:
        def __call__(self, article):
            raise RuntimeError("boom at /secret/path")

    client = make_client(pipeline=Exploding())
    body = assert_envelope(client.post("/api/articles", json={"text": "Title\n\nSome new body text."}), 500)
    assert "secret" not in str(body)


@pytest.mark.parametrize("path", ["/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                                  "/static/..%2f..%2fapi%2fapp.py", "/articles/..%2f..%2fetc%2fpasswd",
                                  "/static//etc/passwd"])
def test_no_route_reads_server_paths(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.text and "create_app" not in response.text


def test_static_assets_are_served(client: TestClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200 and "hl-role-antagonist" in response.text


def test_security_headers_on_every_response(client: TestClient) -> None:
    for url in ("/", "/api/health", "/api/nope", "/static/style.css"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_token_is_required_on_every_route(make_client) -> None:
    client = make_client(token=TOKEN)
    for url in ("/", "/corpus", "/articles/a1", "/api/health", "/api/articles", "/api/openapi.json",
                "/static/style.css", "/api/export", "/nope"):
        response = client.get(url)
        assert_envelope(response, 401, source="authorization")
        assert response.headers["www-authenticate"].startswith("Basic")
        assert client.get(url, headers={"authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    assert client.post("/api/articles", json={"text": "x"}).status_code == 401
    ok = client.get("/api/health", headers={"authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["articles"] == 7
    basic = base64.b64encode(f"analyst:{TOKEN}".encode()).decode()
    assert client.get("/", headers={"authorization": f"Basic {basic}"}).status_code == 200
    assert client.get("/", headers={"authorization": "Basic !!notbase64"}).status_code == 401


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.5", "[::1]"])
def test_loopback_needs_no_token(host: str) -> None:
    assert is_loopback(host)
    check_bind(host, None)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])
def test_binding_elsewhere_needs_a_token(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(ConfigError, match="API token"):
        check_bind(host, None)
    check_bind(host, TOKEN)
    with pytest.raises(ConfigError, match="16 characters"):
        check_bind(host, "short")


def test_loopback_server_refuses_foreign_host_headers(make_client) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not read the store."""
    from narrascope.api.security import loopback_hosts

    hosts = loopback_hosts("127.0.0.1")
    assert hosts is not None and "localhost" in hosts and loopback_hosts("0.0.0.0") is None
    state = make_client().app.state.narrascope  # the fixture's settings and store
    guarded = TestClient(create_app(state.settings, allowed_hosts=hosts, store_factory=state.stores._factory))
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST"):
        assert guarded.get("/api/health", headers={"host": host}).status_code == 200, host
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", ""):
        assert_envelope(guarded.get("/api/health", headers={"host": host}), 400, source="host")


def test_json_body_sent_as_text_plain_is_refused(client: TestClient) -> None:
    """A cross-site form can POST text/plain without a preflight: it must not create an article."""
    response = client.post("/api/articles", content=b'{"text": "Forged\\n\\nbody"}',
                           headers={"content-type": "text/plain"})
    assert response.status_code in (400, 415) and response.json()["ok"] is False
    assert client.get("/api/health").json()["articles"] == 7
