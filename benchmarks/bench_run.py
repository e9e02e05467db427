"""Benchmark of ``narrascope run`` (a benchmark, not a test).

full  — end-to-end articles/s and peak RSS for a pipeline over the real raw documents of the
        SemEval-2025 Task 10 training release, the bare sentence encoder's throughput over the same
        sentences, and the time per component (profile):
            python benchmarks/bench_run.py full --components all --workers 1
        1,197 real English articles (the 399 EN documents three times, under new ids):
            python benchmarks/bench_run.py full --components all --langs EN --copies 3 --engine multiprocess --workers 2
scale — how time, memory, store size and query times grow with a synthetic corpus of real
        paragraphs recombined (1k → 100k articles), one fresh process per size:
            python benchmarks/bench_run.py scale --sizes 1000,10000,100000 --components language
        every component on English-only articles (paragraphs of the EN documents recombined):
            python benchmarks/bench_run.py scale --sizes 1000,5000 --components all --langs EN --workers 2

Corpora and stores go to /tmp/narrascope-cache/bench/; results print as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NARRASCOPE_SHARED", REPO.parent / "shared"))
RAW = SHARED / "data/semeval2025-task10/target_4_December_release"
CACHE = Path("/tmp/narrascope-cache/bench")
ALL_LANGS = ["EN", "BG", "HI", "PT", "RU"]
ALL = ["language", "entities", "embeddings", "roles", "narratives", "techniques", "genre"]


def _components(spec: str) -> list[str]:
    from narrascope.config.settings import load_settings

    if spec == "default":
        return list(load_settings(env={}).pipeline.components)
    if spec == "all":
        return ALL
    return [c for c in spec.split(",") if c]


def _settings(db: Path, components: list[str], batch_size: int):
    from narrascope.config.settings import load_settings

    return load_settings(
        overrides=[f"store.path={db}", "pipeline.components=" + json.dumps(components), f"pipeline.batch_size={batch_size}"],
        env={},
    )


def _peak_rss_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "peak_rss_children_mb": round(children, 1)}


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and its finished worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _run_figures(summary, wall: float, cpu: float, load_before: list[float], load_after: list[float]) -> dict:
    """What both modes report about one ``run_corpus`` call: times, rates, CPU, load, duplicates."""
    return {
        "failed_articles": len(summary.failed_articles),
        "wall_s": round(wall, 1), "analyse_s": round(summary.analyse_seconds, 1),
        "end_to_end_articles_per_s": round(summary.analysed / wall, 2),
        # CPU time of the run (all processes, incl. loading the models): less sensitive to other jobs than wall time
        "cpu_s": round(cpu, 1), "cpu_ms_per_article": round(1000 * cpu / max(summary.analysed, 1), 1),
        "load_avg_before": load_before, "load_avg_after": load_after,
        "dedup_s": round(summary.duplicates.seconds, 1) if summary.duplicates else None,
        "clusters": summary.duplicates.clusters if summary.duplicates else None,
    }


def raw_corpus(langs: list[str], copies: int = 1) -> Path:
    """The raw documents of ``langs`` as JSONL; with ``copies`` > 1 the whole list again under new ids
    (``<stem>-copy<k>``), so a corpus of real articles can pass 1,000 when one language has fewer.  The
    copies of a document lie one whole list apart, never in one batch, so no step sees a repeat."""
    out = CACHE / f"raw-{'-'.join(langs)}{f'-x{copies}' if copies > 1 else ''}.jsonl"
    if out.exists():
        return out
    records = []  # each document read once, whatever ``copies`` is
    for lang in langs:
        for doc in sorted((RAW / lang / "raw-documents").glob("*.txt")):
            title, _, body = doc.read_text(encoding="utf-8").partition("\n")
            records.append({"id": doc.stem, "title": title.strip(), "text": body.strip() or title})
    with open(out, "w", encoding="utf-8") as fh:
        for k in range(copies):
            for record in records:
                copy = record if k == 0 else {**record, "id": f"{record['id']}-copy{k}"}
                fh.write(json.dumps(copy, ensure_ascii=False) + "\n")
    return out


def synthetic_corpus(n: int, seed: int = 13, langs: list[str] | None = None) -> Path:
    """``n`` articles, each a real title line and 6 real paragraphs drawn at random from ``langs`` (default all five)."""
    langs = langs or ALL_LANGS
    tag = "" if sorted(langs) == sorted(ALL_LANGS) else "-" + "-".join(sorted(langs))
    out = CACHE / f"synthetic-{n}{tag}.jsonl"
    if out.exists():
        return out
    paragraphs: list[str] = []
    titles: list[str] = []
    for doc in sorted(p for lang in langs for p in (RAW / lang / "raw-documents").glob("*.txt")):
        text = doc.read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        titles.append(title.strip())
        paragraphs.extend(p.strip() for p in body.split("\n") if len(p.split()) >= 12)
    rng = random.Random(seed)
    with open(out, "w", encoding="utf-8") as fh:
        for i in range(n):
            body = "\n\n".join(rng.sample(paragraphs, 6))
            day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            fh.write(json.dumps({"id": f"syn-{i:06d}", "title": rng.choice(titles), "text": body, "published": day,
                                 "source": f"outlet-{rng.randint(1, 50)}"}, ensure_ascii=False) + "\n")
    return out


def profile_components(corpus: Path, components: list[str], limit: int, batch_size: int) -> dict[str, dict[str, float]]:
    """Wall and CPU seconds (all threads of this process) per component over the first ``limit`` articles."""
    from narrascope.ingest.readers import read_paths
    from narrascope.pipeline.pipeline import Pipeline

    settings = _settings(CACHE / "unused.db", components, batch_size)
    articles = [a for a in read_paths([corpus], settings.ingest) if not hasattr(a, "code")][:limit]
    pipe = Pipeline.from_settings(settings)
    wall = {c.name: 0.0 for c in pipe.components}
    cpu = dict(wall)
    for start in range(0, len(articles), batch_size):
        batch = articles[start : start + batch_size]
        for component in pipe.components:
            t, c = time.perf_counter(), time.process_time()
            batch = list(component.pipe(batch, batch_size=batch_size))
            wall[component.name] += time.perf_counter() - t
            cpu[component.name] += time.process_time() - c
    return {"wall_s": {k: round(v, 2) for k, v in wall.items()}, "cpu_s": {k: round(v, 2) for k, v in cpu.items()}}


def bench_full(args: argparse.Namespace) -> None:
    from narrascope.scale import run_corpus
    from narrascope.store import SQLiteStore

    components = _components(args.components)
    if args.copies < 1 or args.encoder_repeat < 1:
        raise SystemExit("--copies and --encoder-repeat must be at least 1")
    corpus = raw_corpus(args.langs.split(","), args.copies)
    db = CACHE / f"full-{args.engine}-{args.workers}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    settings = _settings(db, components, args.batch_size)
    load_before = _load()
    t0 = time.perf_counter()
    cpu0 = _cpu_seconds()
    with SQLiteStore(db) as store:
        summary = run_corpus([corpus], store=store, settings=settings, engine=args.engine, workers=args.workers)
        wall = time.perf_counter() - t0
        cpu = _cpu_seconds() - cpu0  # the workers have been joined: their CPU time is counted
        load_after = _load()
        by_id: dict[str, list[str]] = {}
        by_lang: dict[str, int] = {}
        for a in store.iter_articles():
            by_id[a.id] = [s.text for s in a.sentences]
            by_lang[a.language or "?"] = by_lang.get(a.language or "?", 0) + 1
        # the pipeline's batches: input order, ``batch_size`` articles, one encode() call each (the
        # encoder runs a text repeated within one call once, so one call over everything would be unfair)
        order = [json.loads(line)["id"] for line in corpus.read_text(encoding="utf-8").splitlines()]
        order = [i for i in order if i in by_id]
        if len(order) != len(by_id):
            raise SystemExit(f"{len(by_id) - len(order)} stored articles are not in {corpus}")
        batches = [[t for i in order[k : k + args.batch_size] for t in by_id[i]] for k in range(0, len(order), args.batch_size)]
        sentences = [t for b in batches for t in b]
    result = {
        "mode": "full", "copies": args.copies, "components": components, "engine": args.engine, "workers": args.workers,
        "cpus": os.cpu_count(), "articles": summary.analysed, "languages": by_lang, "sentences": len(sentences),
        "failed_inputs": len(summary.failed_inputs), "articles_per_s": round(summary.articles_per_second, 2),
        **_run_figures(summary, wall, cpu, load_before, load_after),
        **_peak_rss_mb(),
    }
    if "embeddings" in components and sentences:
        from narrascope.models.encoder import SentenceEncoder

        encoder = SentenceEncoder.load()
        runs: list[tuple[float, float]] = []  # (wall, CPU) per pass: the machine's spread shows in the min..max
        for _ in range(args.encoder_repeat):
            t = time.perf_counter()
            c = _cpu_seconds()
            for batch in batches:
                encoder.encode(batch, batch_size=64)
            runs.append((time.perf_counter() - t, _cpu_seconds() - c))
        enc, enc_cpu = sorted(runs)[len(runs) // 2]  # the median pass by wall time
        result.update({
            "encoder_s": round(enc, 1), "encoder_s_all": [round(w, 1) for w, _ in runs],
            "encoder_sentences_per_s": round(len(sentences) / enc, 1),
            "encoder_cpu_s": round(enc_cpu, 1), "cpu_ratio_to_encoder": round(enc_cpu / cpu, 3) if cpu else None,
            "encoder_articles_per_s": round(summary.analysed / enc, 2),
            "ratio_to_encoder": round(enc / summary.analyse_seconds, 3),
        })
    if args.profile:
        result["profile_s"] = profile_components(corpus, components, args.profile, args.batch_size)
        result["profile_articles"] = args.profile
    print(json.dumps(result), flush=True)


def _scale_one(n: int, components: list[str], batch_size: int, workers: int, langs: list[str]) -> dict:
    from narrascope.dedup import list_clusters
    from narrascope.scale import run_corpus
    from narrascope.store import SQLiteStore

    corpus = synthetic_corpus(n, langs=langs)
    db = CACHE / f"scale-{n}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    settings = _settings(db, components, batch_size)
    load_before = _load()
    t0 = time.perf_counter()
    cpu0 = _cpu_seconds()
    engine = "local" if workers == 1 else "multiprocess"
    with SQLiteStore(db) as store:
        summary = run_corpus([corpus], store=store, settings=settings, engine=engine, workers=workers)
        wall = time.perf_counter() - t0
        cpu = _cpu_seconds() - cpu0
        load_after = _load()
        rng = random.Random(1)
        ids = [f"syn-{rng.randrange(n):06d}" for _ in range(200)]
        timings = {}

        def timed(name: str, fn, repeat: int = 20) -> None:
            t = time.perf_counter()
            for i in range(repeat):
                fn(i)
            timings[name] = round((time.perf_counter() - t) / repeat * 1000, 2)

        timed("get_ms", lambda i: store.get(ids[i]), 200)
        timed("has_1000_ms", lambda i: store.has(f"syn-{j:06d}" for j in range(1000)), 5)
        timed("list_50_ms", lambda i: store.list(limit=50, offset=i * 50), 20)
        timed("list_language_ms", lambda i: store.list(limit=50, language="en"), 20)
        words = ["climate", "Ukraine", "war", "energy", "election", "Russia", "minister", "sanctions", "NATO", "gas"]
        timed("search_ms", lambda i: store.search(words[i % len(words)], limit=20), 20)
        timed("duplicates_of_id_ms", lambda i: list_clusters(store, ids[i]), 50)
        rerun_t = time.perf_counter()
        rerun = run_corpus([corpus], store=store, settings=settings, engine="local")
        rerun_s = time.perf_counter() - rerun_t
    size = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())
    return {
        "mode": "scale", "articles": n, "langs": langs, "components": components, "workers": workers,
        "analysed": summary.analysed, "articles_per_s": round(summary.articles_per_second, 1),
        **_run_figures(summary, wall, cpu, load_before, load_after),
        "rerun_all_skipped_s": round(rerun_s, 1), "rerun_analysed": rerun.analysed,
        "store_mb": round(size / 1e6, 1), "store_kb_per_article": round(size / 1e3 / n, 1),
        **timings, **_peak_rss_mb(),
    }


def bench_scale(args: argparse.Namespace) -> None:
    components = _components(args.components)
    langs = args.langs.split(",")
    for n in [int(x) for x in args.sizes.split(",")]:
        if args.inner:
            print(json.dumps(_scale_one(n, components, args.batch_size, args.workers, langs)), flush=True)
            continue
        cmd = [sys.executable, __file__, "scale", "--sizes", str(n), "--components", ",".join(components),
               "--langs", args.langs, "--batch-size", str(args.batch_size), "--workers", str(args.workers), "--inner"]
        subprocess.run(cmd, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    full = sub.add_parser("full")
    full.add_argument("--components", default="default", help="default | all | comma-separated names")
    full.add_argument("--langs", default=",".join(ALL_LANGS))
    full.add_argument("--engine", default="local", choices=["local", "multiprocess"])
    full.add_argument("--workers", type=int, default=1)
    full.add_argument("--batch-size", type=int, default=16)
    full.add_argument("--copies", type=int, default=1, help="the documents this many times, under new ids")
    full.add_argument("--encoder-repeat", type=int, default=3, help="passes of the bare encoder (median reported)")
    full.add_argument("--profile", type=int, default=0, help="also time each component over this many articles")
    scale = sub.add_parser("scale")
    scale.add_argument("--sizes", default="1000,10000,100000")
    scale.add_argument("--components", default="language")
    scale.add_argument("--langs", default=",".join(ALL_LANGS), help="languages whose paragraphs are recombined")
    scale.add_argument("--batch-size", type=int, default=64)
    scale.add_argument("--workers", type=int, default=1)
    scale.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)  # a fresh machine has no cache yet
    bench_full(args) if args.mode == "full" else bench_scale(args)


if __name__ == "__main__":
    main()
