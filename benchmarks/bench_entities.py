"""Where the ``entities`` step spends its CPU time: each spaCy pipe and each of our own parts, timed alone.

Usage::

    python benchmarks/bench_entities.py [--docs DIR] [--n 200] [--threads 1] [--passes 2]

Reads the first ``--n`` documents of ``--docs`` (default: the EN raw documents of the SemEval-2025
Task 10 training release) with narrascope's readers, cuts them into the pieces the component hands
to spaCy, and runs the component's own steps one at a time, as ``EntityRecognizer.predict`` does:
the tokenizer, ``tok2vec``, ``parser`` and ``ner`` on every piece; the deferred ``tagger`` and
``attribute_ruler`` on the pieces with a NORP/GPE/LOC mention; sentence and mention extraction;
the alias rules (``build_entities``).  CPU seconds of this process, ``--threads`` BLAS threads (1 is
a corpus-run worker's setting), the numpy-BLAS ops the component uses.  Prints one JSON line per pass
(the first pass also fills spaCy's vocabulary, so the later passes are the steady state).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NARRASCOPE_SHARED", REPO.parent / "shared"))
DEFAULT_DOCS = SHARED / "data/semeval2025-task10/target_4_December_release/EN/raw-documents"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args()
    if args.n < 1 or args.threads < 1 or args.passes < 1:
        raise SystemExit("--n, --threads and --passes must be at least 1")

    from threadpoolctl import threadpool_limits

    from narrascope.components.entities import _SYNTAX_LABELS, EntityRecognizer, _raw_mentions, _sentences, segments
    from narrascope.components.entity_aliases import build_entities
    from narrascope.config.settings import load_settings
    from narrascope.ingest import ReadFailure, read_paths

    files = sorted(args.docs.glob("*.txt"))[: args.n]
    if not files:
        raise SystemExit(f"no .txt documents in {args.docs}")
    articles = [a for a in read_paths(files, load_settings(env={}).ingest) if not isinstance(a, ReadFailure)]
    nlp = EntityRecognizer().nlp  # loaded as the component loads it (numpy BLAS ops)
    flat = [(i, s, e) for i, a in enumerate(articles) for s, e in segments(a.text)]
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None

    with threadpool_limits(limits=args.threads, user_api="blas"):
        for number in range(1, args.passes + 1):
            cpu: dict[str, float] = {}

            def timed(name: str, fn):  # noqa: ANN202 - returns what fn returns
                start = time.process_time()
                out = fn()
                cpu[name] = round(time.process_time() - start, 2)
                return out

            docs = timed("tokenizer", lambda: [nlp.make_doc(articles[i].text[s:e]) for i, s, e in flat])
            for name in ("tok2vec", "parser", "ner"):
                if name in nlp.pipe_names:
                    docs = timed(name, lambda name=name: list(nlp.get_pipe(name).pipe(docs, batch_size=64)))
            needy = [d for d in docs if any(ent.label_ in _SYNTAX_LABELS for ent in d.ents)]
            for name in ("tagger", "attribute_ruler"):
                if name in nlp.pipe_names:
                    needy = timed(name, lambda name=name: list(nlp.get_pipe(name).pipe(needy, batch_size=64)))
            sentences: list[list] = [[] for _ in articles]
            raw: list[list] = [[] for _ in articles]

            def extract() -> None:
                for (i, offset, _), doc in zip(flat, docs, strict=True):
                    sentences[i].extend(_sentences(articles[i].text, doc, offset))
                    raw[i].extend(_raw_mentions(doc, offset, lemmatizer))

            timed("sentences_and_mentions", extract)
            timed("alias_rules", lambda: [build_entities(a.text, raw[i], sentences[i], title=a.title)
                                          for i, a in enumerate(articles)])
            total = sum(cpu.values())
            print(json.dumps({
                "pass": number, "articles": len(articles), "pieces": len(flat), "pieces_with_syntax_mentions": len(needy),
                "threads": args.threads, "cpu_s": cpu, "total_cpu_s": round(total, 2),
                "cpu_ms_per_article": round(1000 * total / len(articles), 1),
            }), flush=True)


if __name__ == "__main__":
    main()
