"""Server latency on a large synthetic store: list, search and aggregate routes over real HTTP.

Usage::

    python benchmarks/bench_server.py [--articles N] [--requests R] [--db PATH | --db postgresql://...]

Builds (once, cached under /tmp/narrascope-cache/) a SQLite store of N synthetic articles
(default 100 000: 40 outlets, two years of dates, 300 entities with main roles, narratives,
techniques, duplicate clusters, ~120-word texts), starts ``narrascope serve`` on 127.0.0.1 in a
subprocess, and times R requests per route with one client (after one warm-up request).
With a ``postgresql://`` URL the same articles are copied from the cached SQLite store into that
database (its search_path schema) when it holds fewer than N, and the server reads PostgreSQL.
Prints Markdown table rows for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from narrascope.doc import (
    Article,
    ArticleMeta,
    DuplicateInfo,
    Entity,
    EntityRoles,
    NarrativeLabel,
    TechniqueSpan,
)
from narrascope.store import SQLiteStore

CACHE = Path("/tmp/narrascope-cache")
ROLES = ("Protagonist", "Antagonist", "Innocent")
NARRATIVES = [f"Narrative {i}: {w}" for i, w in enumerate(
    ["Praise of Russia", "Discrediting Ukraine", "Blaming the war on others", "Speculating war outcomes",
     "Amplifying war-related fears", "Distrust towards Media", "Criticism of climate policies",
     "Downplaying climate change", "Hidden plots by secret schemes", "Negative consequences for the West",
     "Russia is the victim", "Overpraising the West"])]
TECHNIQUES = ["Loaded_Language", "Name_Calling-Labeling", "Doubt", "Exaggeration-Minimisation",
              "Appeal_to_Fear-Prejudice",
              "Flag_Waving", "Causal_Oversimplification", "Repetition", "Slogans", "Whataboutism",
              "Appeal_to_Authority", "False_Dilemma-No_Choice", "Conversation_Killer", "Straw_Man"]
SYLLABLES = "ka lo mi ne ru sa ti vo da pe li ko ra ze mu fo ga hi ja be".split()
#: 5 000 made-up words drawn with Zipf weights (1/rank), like word frequencies in news text
VOCAB = [SYLLABLES[i % 20] + SYLLABLES[(i // 20) % 20] + SYLLABLES[(i // 400) % 20]
         for i in range(5000)]
CUM_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(VOCAB))))
COMMON, MEDIUM, RARE = VOCAB[0], VOCAB[49], VOCAB[499]
ROUTES = [
    ("list (first page)", "/api/articles?limit=20"),
    ("list (page 200)", "/api/articles?limit=20&offset=4000"),
    ("list filtered (outlet + dates)", "/api/articles?source=Outlet%207&since=2024-03-01&until=2024-06-30"),
    ("list filtered (entity + role)", "/api/articles?entity=Person%2012&role=Antagonist"),
    ("list filtered (narrative + technique)", "/api/articles?narrative=Narrative%200%3A%20Praise%20of%20Russia"
                                              "&technique=Doubt"),
    ("search (word of rank 500)", f"/api/search?q={RARE}"),
    ("search (word of rank 50)", f"/api/search?q={MEDIUM}"),
    ("search (2 words + outlet)", f"/api/search?q={MEDIUM}%20{RARE}&source=Outlet%203"),
    ("search (most common word)", f"/api/search?q={COMMON}"),
    ("narratives over time (month)", "/api/aggregates/narratives?bucket=month"),
    ("techniques over time (week)", "/api/aggregates/techniques?bucket=week"),
    ("entity x role matrix", "/api/aggregates/entity-roles"),
    ("top entities per role", "/api/aggregates/top-entities"),
    ("duplicate clusters", "/api/aggregates/clusters"),
    ("counts by day and outlet", "/api/aggregates/counts"),
    ("counts by month and outlet", "/api/aggregates/counts?bucket=month"),
    ("facets", "/api/facets"),
    ("dashboard: article list page", "/"),
    ("dashboard: corpus page", "/corpus"),
]


def synthetic(i: int, rng: random.Random) -> Article:
    day = 1 + rng.randrange(730)
    year, doy = (2023, day) if day <= 365 else (2024, day - 365)
    published = time.strftime("%Y-%m-%d", time.strptime(f"{year} {min(doy, 365)}", "%Y %j"))
    words = rng.choices(VOCAB, cum_weights=CUM_WEIGHTS, k=127)
    title = " ".join(words[120:]).capitalize()
    words = words[:120]
    people = rng.sample(range(300), 4)
    body = " ".join(words[:60]) + f". Person {people[0]} and Person {people[1]} met. " + " ".join(words[60:]) + "."
    text = f"{title}\n\n{body}"
    art = Article(id=f"s{i:07d}", title=title, raw_text=text, text=text, body_start=len(title) + 2,
                  meta=ArticleMeta(source=f"Outlet {rng.randrange(40)}", published=published, format="text"),
                  language="en" if rng.random() < 0.9 else "ru")
    for k, p in enumerate(people):
        art.entities.append(Entity(id=f"e{k}", name=f"Person {p}", type="person"))
        art.entity_roles.append(EntityRoles(entity_id=f"e{k}", main_role=ROLES[(p + k) % 3] if rng.random() < 0.8
                                            else rng.choice(ROLES), fine_roles={}, confidence=0.7))
    for narrative in rng.sample(NARRATIVES, rng.randrange(0, 3)):
        art.narratives.append(NarrativeLabel(domain="URW", narrative=narrative, subnarrative=f"{narrative} / sub",
                                             confidence=0.6))
    for technique in rng.sample(TECHNIQUES, rng.randrange(0, 4)):
        w = body.index(" ")
        art.techniques.append(TechniqueSpan(start=len(title) + 2, end=len(title) + 2 + w, text=body[:w],
                                            technique=technique, confidence=0.8, level="span"))
    if i % 50 < 3:
        art.duplicates = DuplicateInfo(cluster_id=f"c{i // 50}", earliest_id=f"s{(i // 50) * 50:07d}", members=[])
    return art


def build(db: Path, n: int) -> float:
    rng = random.Random(7)
    start = time.perf_counter()
    with SQLiteStore(db) as store:
        have = store.count()
        for lo in range(have, n, 2000):
            store.put([synthetic(i, rng) for i in range(lo, min(n, lo + 2000))])
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--db", default=None, help="SQLite file, or a postgresql:// URL to copy the articles into")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    pg = args.db is not None and args.db.startswith(("postgresql://", "postgres://"))
    db = Path(args.db) if args.db and not pg else CACHE / f"bench-server-{args.articles}.db"
    if not db.exists() or SQLiteStore(db).count() < args.articles:
        print(f"building {db} ({args.articles} articles) ...", file=sys.stderr)
        print(f"built in {build(db, args.articles):.0f} s", file=sys.stderr)
    if pg:
        print(f"copied to PostgreSQL in {copy_to(args.db, db, args.articles):.0f} s", file=sys.stderr)
    for cache in (False, True):
        run(args.db if pg else str(db), args, cache=cache)


def copy_to(url: str, db: Path, n: int) -> float:
    """Put the first ``n`` articles of the SQLite store ``db`` into the store at ``url`` (missing ones only)."""
    from narrascope.store import open_store

    start = time.perf_counter()
    with open_store(url) as target, SQLiteStore(db, read_only=True) as source:
        if target.count() >= n:
            return 0.0
        batch: list[Article] = []
        for i, article in enumerate(source.iter_articles(batch_size=1000)):
            if i >= n:
                break
            batch.append(article)
            if len(batch) == 1000:
                target.put(batch)
                batch = []
        if batch:
            target.put(batch)
        with target.write_transaction("analysing the tables") as conn:  # planner statistics, as autovacuum would
            conn.execute("ANALYZE")
    return time.perf_counter() - start


def run(db: str, args: argparse.Namespace, *, cache: bool) -> None:
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "narrascope", "serve", "--db", db, "--port", str(port),
               "--log-level", "warning", *([] if cache else ["--no-cache"])]
    server = subprocess.Popen(command, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as http:
            for _ in range(300):
                try:
                    if http.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            state = "aggregate cache on (answers reused until the store changes)" if cache else \
                "aggregate cache off (--no-cache: every request recomputes)"
            backend = "PostgreSQL" if db.startswith("postgres") else "SQLite"
            print(f"\n{backend}, {args.articles} articles, {os.cpu_count()} CPUs,"
                  f" {platform.processor() or platform.machine()},"
                  f" Python {platform.python_version()}, {args.requests} sequential requests per route, {state}\n")
            print("| Route | Request | matches | median ms | p95 ms | max ms |")
            print("|---|---|---:|---:|---:|---:|")
            for name, url in ROUTES:
                if cache and not (url.startswith("/api/aggregates") or url in ("/api/facets", "/corpus", "/")):
                    continue  # lists and searches are never cached: see the first table
                r = http.get(url)
                assert r.status_code == 200, (url, r.status_code, r.text[:200])
                body = r.json() if url.startswith("/api/") else {}
                total = body.get("total", "")
                if body.get("total_exact") is False:  # a search that stopped counting: "more than"
                    total = f"{total}+"
                samples = []
                for _ in range(args.requests):
                    t = time.perf_counter()
                    r = http.get(url)
                    samples.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200
                samples.sort()
                p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
                median = statistics.median(samples)
                print(f"| {name} | `{url}` | {total} | {median:.1f} | {p95:.1f} | {samples[-1]:.1f} |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
