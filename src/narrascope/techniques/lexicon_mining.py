"""Mine technique lexicons from paragraph-level labels (training time only).

For a word-level technique T, a term (word or bigram, lower-cased) is kept when it occurs in at
least ``min_count`` paragraphs labelled T, in at least ``min_articles`` different articles (topic
words cluster in one article), and at least ``min_precision`` of the paragraphs that
contain it and carry any technique carry T, *and* it is at least ``min_ratio`` times more frequent
(per paragraph) in T-paragraphs than in paragraphs without any technique.  Its weight is the
smoothed precision.  Stop words and numbers are never kept; neither are terms that are mostly
capitalised in the data (names, not wording).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from narrascope.techniques.features import tokenize
from narrascope.techniques.semeval_io import Paragraph

__all__ = ["mine_lexicon", "STOP_WORDS", "WORD_LEVEL_TECHNIQUES"]

WORD_LEVEL_TECHNIQUES = ("Loaded_Language", "Name_Calling-Labeling", "Exaggeration-Minimisation")

STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself yourselves
    said says say one two new also like even still may might must us get got make made many much well way""".split()
)


def _terms(text: str) -> set[str]:
    toks = tokenize(text)
    words = {t for t in toks if len(t) > 2 and t not in STOP_WORDS and not t.isdigit()}
    bigrams = {
        f"{a} {b}" for a, b in zip(toks, toks[1:]) if a not in STOP_WORDS and b not in STOP_WORDS and len(a) > 2 and len(b) > 2
    }
    return words | bigrams


def _capitalised_share(paragraphs: Sequence[Paragraph]) -> dict[str, float]:
    upper: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for p in paragraphs:
        for i, raw in enumerate(p.text.split()):
            w = raw.strip(".,;:!?\"'()[]“”‘’«»").lower()
            if not w:
                continue
            total[w] += 1
            if i > 0 and raw[:1].isupper():
                upper[w] += 1
    return {w: upper[w] / n for w, n in total.items()}


def mine_lexicon(
    paragraphs: Sequence[Paragraph],
    techniques: Sequence[str] = WORD_LEVEL_TECHNIQUES,
    *,
    min_count: int = 4,
    min_precision: float = 0.5,
    min_ratio: float = 4.0,
    min_articles: int = 3,
    max_terms: int = 400,
) -> dict[str, dict[str, float]]:
    """technique -> term -> weight (smoothed precision)."""
    caps = _capitalised_share(paragraphs)
    term_sets = [_terms(p.text) for p in paragraphs]
    none_df: Counter[str] = Counter()
    any_df: Counter[str] = Counter()
    n_none = 0
    for p, terms in zip(paragraphs, term_sets):
        if p.labels:
            any_df.update(terms)
        else:
            none_df.update(terms)
            n_none += 1
    out: dict[str, dict[str, float]] = {}
    for tech in techniques:
        tech_df: Counter[str] = Counter()
        tech_articles: dict[str, set[str]] = {}
        n_tech = 0
        for p, terms in zip(paragraphs, term_sets):
            if tech in p.labels:
                tech_df.update(terms)
                n_tech += 1
                for term in terms:
                    tech_articles.setdefault(term, set()).add(p.article_id)
        if not n_tech:
            continue
        kept: dict[str, float] = {}
        for term, a in tech_df.items():
            if a < min_count or len(tech_articles[term]) < min_articles:
                continue
            if all(caps.get(w, 0.0) > 0.5 for w in term.split()):
                continue
            precision = (a + 1) / (any_df[term] + 2)
            ratio = (a / n_tech) / ((none_df[term] + 1) / (n_none + 1))
            if precision >= min_precision and ratio >= min_ratio:
                kept[term] = round(precision, 3)
        best = sorted(kept.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms]
        out[tech] = dict(best)
    return out
