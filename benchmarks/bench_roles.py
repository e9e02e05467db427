"""Entity-role inference time per article (what the ``roles`` component adds).

Usage::

    python benchmarks/bench_roles.py [--docs DIR] [--n 100] [--threads 2] [--repeat 3] [--model DIR] [--encoder DIR]

Reads ``--n`` EN articles (default: the EN raw documents of the SemEval-2025 Task 10
training release, the first N by name), runs ``entities`` and the sentence
``embeddings`` once (not timed), then times the ``roles`` component alone (model
loaded and warmed up): with an empty mention-name cache (``--repeat`` runs per
article, median; mean over articles), in a batch run where the cache holds the
names of the earlier articles, and without sentence vectors (it then embeds the
sentences itself).  ``--model``: a role artifact of either kind (default: the packaged
linear model; a packaged name such as ``roles-mpnet-linear`` works too); ``--encoder``: the
encoder that model was trained on, when it is not the packaged MiniLM (a model on another
encoder cannot reuse the pipeline's MiniLM sentence vectors, so every row then includes
encoding the sentences).  Prints Markdown rows for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NARRASCOPE_SHARED", REPO.parent / "shared"))
DEFAULT_DOCS = SHARED / "data/semeval2025-task10/target_4_December_release/EN/raw-documents"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default=None, help="role model artifact or packaged name (default: the packaged default)")
    parser.add_argument("--encoder", default=None, help="encoder artifact the model was trained on (default: the packaged MiniLM)")
    args = parser.parse_args()

    from narrascope.doc import Article
    from narrascope.pipeline.registry import default_registry
    from narrascope.roles.component import RoleLabeler
    from narrascope.roles.loader import load_model_encoder, load_role_model

    registry = default_registry()
    entities = registry.create("entities", {})
    embeddings = registry.create("embeddings", {"threads": args.threads})
    model = load_role_model(args.model, threads=args.threads)
    encoder = load_model_encoder(model, args.encoder, threads=args.threads, source="--encoder")
    labeler = RoleLabeler(model=model, encoder=encoder)

    articles = []
    for path in sorted(args.docs.glob("*.txt"))[: args.n]:
        text = path.read_bytes().decode("utf-8")
        articles.append(Article(id=path.stem, raw_text=text, text=text, language="en"))
    prepared = list(embeddings.pipe(entities.pipe(articles)))
    labeler(prepared[0])  # warm-up (loads the model, first ONNX run)

    def run(article: Article, with_vectors: bool) -> float:
        copy = article.model_copy(deep=True)
        # deep copies keep private attributes: set (or drop) the sentence vectors explicitly
        copy.set_vectors("sentences", article.vectors("sentences") if with_vectors else None)
        t0 = time.perf_counter()
        labeler(copy)
        return (time.perf_counter() - t0) * 1000

    def cold(with_vectors: bool) -> list[float]:
        """Empty name cache before every run: the worst case (first article of a run)."""
        times = []
        for article in prepared:
            runs = []
            for _ in range(args.repeat):
                labeler.clear_cache()
                runs.append(run(article, with_vectors))
            times.append(statistics.median(runs))
        return times

    def streaming() -> list[float]:
        """Each article once, in order, the name cache filled by the articles before it (a batch run)."""
        labeler.clear_cache()
        return [run(article, True) for article in prepared]

    with_vectors = cold(True)
    without = cold(False)
    stream = streaming()
    words = statistics.mean(len(a.text.split()) for a in prepared)
    mentions = statistics.mean(sum(len(e.mentions) for e in a.entities) for a in prepared)
    sentences = statistics.mean(len(a.sentences) for a in prepared)
    from narrascope.roles.marking import group_by_sentence

    with_mentions = statistics.mean(
        len(group_by_sentence([(x.start, x.end) for x in a.sentences], [(m.start, m.end) for e in a.entities for m in e.mentions]))
        for a in prepared
    )
    print(f"| model | {model.meta.get('name')} ({type(model).__name__}) |")
    print(f"| machine | {platform.processor() or platform.machine()}, {os.cpu_count()} cores, onnxruntime threads {args.threads}, "
          f"load average {os.getloadavg()[0]:.2f} at the end |")
    print(f"| articles | {len(prepared)} EN ({words:.0f} words, {sentences:.1f} sentences, {mentions:.1f} entity mentions, {with_mentions:.1f} sentences with mentions on average) |")
    def row(label: str, times: list[float]) -> str:
        p90 = sorted(times)[int(0.9 * len(times))]
        return f"| {label} | mean {statistics.mean(times):.1f} ms, median {statistics.median(times):.1f} ms, p90 {p90:.1f} ms per article |"

    print(row("roles, sentence vectors reused, empty name cache", with_vectors))
    print(row("roles, sentence vectors reused, name cache from earlier articles (batch run)", stream))
    print(row("roles, no sentence vectors (embeds the sentences itself), empty name cache", without))


if __name__ == "__main__":
    main()
