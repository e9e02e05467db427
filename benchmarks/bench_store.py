"""Store and export throughput on real articles: put, idempotent re-put, list, search, export.

Usage::

    python benchmarks/bench_store.py [--docs DIR] [--repeat N] [--batch B] [--no-analyse] [--db URL]

DIR defaults to the EN raw documents of the SemEval-2025 Task 10 training release.  The
documents are analysed once (language + entities, so records carry real annotations unless
``--no-analyse``; they are cached under /tmp/narrascope-cache/) and stored ``N`` times under
fresh ids, ``B`` articles per ``put`` call.
``--db postgresql://user@host/db`` measures the PostgreSQL backend instead of a temporary SQLite
file (in a throw-away schema, dropped at the end).
Prints Markdown table rows for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import statistics
import tempfile
import time
from pathlib import Path

from narrascope.config.settings import load_settings
from narrascope.doc import Article
from narrascope.export import export_articles
from narrascope.ingest.readers import read_paths
from narrascope.pipeline.component import batched
from narrascope.store import open_store

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NARRASCOPE_SHARED", REPO.parent / "shared"))
DEFAULT_DOCS = SHARED / "data/semeval2025-task10/target_4_December_release/EN/raw-documents"
CACHE = Path("/tmp/narrascope-cache")
QUERIES = ["Ukraine", "climate change", "Zelensky Putin", "NATO weapons", "'; DROP TABLE articles; --"]


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--no-analyse", dest="analyse", action="store_false")
    parser.add_argument("--db", default=None, help="postgresql:// URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    settings = load_settings(env={})
    key = hashlib.sha1(str(args.docs.resolve()).encode()).hexdigest()[:10]
    cache = CACHE / f"bench_store_{'analysed' if args.analyse else 'raw'}_{key}.jsonl"
    if cache.is_file():
        base = [Article.model_validate_json(line) for line in cache.read_text(encoding="utf-8").splitlines()]
    else:
        read = [a for a in read_paths([args.docs], settings.ingest) if isinstance(a, Article)]
        base = list({a.id: a for a in read}.values())  # identical texts in two files share an id
        if args.analyse:
            from narrascope.pipeline.pipeline import Pipeline

            base = list(Pipeline.from_settings(settings).pipe(base, batch_size=settings.pipeline.batch_size))
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text("".join(a.model_dump_json() + "\n" for a in base), encoding="utf-8")
    articles = [a.model_copy(update={"id": f"{a.id}-{r}"}) for r in range(args.repeat) for a in base]
    n = len(articles)
    mb = sum(len(a.model_dump_json()) for a in articles) / 1e6

    schema = f"bench_{os.getpid()}"
    engine = f"SQLite {__import__('sqlite3').sqlite_version}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        if args.db:
            from narrascope.store.postgres import PostgresStore

            opened = PostgresStore(args.db, schema=schema)
        else:
            opened = open_store(path)
        with opened as store:
            t0 = time.perf_counter()
            for batch in batched(articles, args.batch):
                store.put(batch)
            put_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            unchanged = sum(store.put(batch).unchanged for batch in batched(articles, args.batch))
            reput_s = time.perf_counter() - t0
            assert unchanged == n
            t0 = time.perf_counter()
            present = store.has(a.id for a in articles)
            has_s = time.perf_counter() - t0
            assert len(present) == n
            list_t, search_t = [], []
            for _ in range(20):
                t0 = time.perf_counter()
                store.list(limit=50, since="2020-01-01", language="en")
                store.list(limit=50, offset=n // 2)
                list_t.append((time.perf_counter() - t0) / 2)
            hits = {}
            for _ in range(5):
                for q in QUERIES:
                    t0 = time.perf_counter()
                    hits[q] = len(store.search(q, limit=20))
                    search_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            read = sum(1 for _ in store.iter_articles())
            iter_s = time.perf_counter() - t0
            exports = {}
            for fmt in ("jsonl", "csv", "parquet"):
                out = Path(tmp) / f"out.{fmt}"
                t0 = time.perf_counter()
                rows = export_articles(store, out, format=fmt)  # type: ignore[arg-type]
                exports[fmt] = (rows, time.perf_counter() - t0, out.stat().st_size / 1e6)
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) / 1e6
        if args.db:
            import psycopg

            with psycopg.connect(args.db, autocommit=True) as conn:
                engine = "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]
                size_mb = float(conn.execute(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class AS c JOIN pg_namespace AS n"
                    " ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'", (schema,)
                ).fetchone()[0] or 0) / 1e6
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| articles | {n} ({len(base)} documents × {args.repeat}), {mb:.1f} MB of record JSON, "
          f"{'analysed (language, entities)' if args.analyse else 'not analysed'} |")
    print(f"| put, {args.batch} per transaction | {put_s:.2f} s → **{n / put_s:,.0f} articles/s** |")
    print(f"| idempotent re-put (all unchanged) | {reput_s:.2f} s → {n / reput_s:,.0f} articles/s |")
    print(f"| has({n} ids) | {has_s * 1000:.1f} ms |")
    print(f"| list (filters / deep offset) | {_ms(list_t)} |")
    print(f"| search, plain words, limit 20 | {_ms(search_t)} ({', '.join(f'{q!r}: {h}' for q, h in hits.items())}) |")
    print(f"| iter_articles (read + validate all) | {iter_s:.2f} s → {read / iter_s:,.0f} articles/s |")
    for fmt, (rows, secs, out_mb) in exports.items():
        print(f"| export {fmt} | {rows} rows in {secs:.2f} s, {out_mb:.1f} MB |")
    print(f"| database size ({'tables, indexes, TOAST' if args.db else 'with WAL'}) | {size_mb:.1f} MB |")
    print(f"| peak RSS | {rss_mb:.0f} MB |")
    print(f"| machine | {os.cpu_count()} cores, Python {platform.python_version()}, {engine} |")


if __name__ == "__main__":
    main()
