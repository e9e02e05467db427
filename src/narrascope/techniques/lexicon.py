"""Span localisation inside a sentence: lexicon matching for the word-level techniques.

A :class:`Lexicon` maps technique -> term (lower-cased tokens joined by one space) -> weight in
[0, 1].  It is the union of a curated list written by the narrascope authors
(``curated_lexicon.json``, shipped next to this module, editable) and terms mined from the
training data (stored in the model artifact): words and bigrams far more frequent in paragraphs
labelled with the technique than in paragraphs labelled with no technique at all.  Matches are
greedy longest-first, never overlapping; adjacent matches of the same technique separated only by
spaces or hyphens merge into one span ("brutal dictator").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from narrascope.errors import Codes, InputError

__all__ = ["Lexicon", "LexiconMatch", "load_curated_lexicon", "curated_lexicon_path"]

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class LexiconMatch:
    start: int
    end: int
    technique: str
    weight: float


@dataclass
class Lexicon:
    entries: dict[str, dict[str, float]]

    def __post_init__(self) -> None:
        self._max_n = max((len(term.split()) for terms in self.entries.values() for term in terms), default=1)

    @classmethod
    def merge(cls, *lexicons: Mapping[str, Mapping[str, float]]) -> "Lexicon":
        """Union of lexicons; a term in several keeps its highest weight."""
        out: dict[str, dict[str, float]] = {}
        for lex in lexicons:
            for tech, terms in lex.items():
                slot = out.setdefault(tech, {})
                for term, weight in terms.items():
                    key = " ".join(term.lower().replace("’", "'").split())
                    slot[key] = max(float(weight), slot.get(key, 0.0))
        return cls(out)

    def find(self, text: str, technique: str, *, start: int = 0, end: int | None = None) -> list[LexiconMatch]:
        """Matches of ``technique``'s terms in ``text[start:end]`` (offsets into ``text``)."""
        terms = self.entries.get(technique)
        if not terms:
            return []
        end = len(text) if end is None else end
        toks = [(m.start() + start, m.end() + start, m.group(0).lower().replace("’", "'")) for m in _WORD.finditer(text[start:end])]
        found: list[LexiconMatch] = []
        i = 0
        while i < len(toks):
            for n in range(min(self._max_n, len(toks) - i), 0, -1):
                term = " ".join(t[2] for t in toks[i : i + n])
                weight = terms.get(term)
                if weight is None and n == 1 and "-" in term:
                    weight = terms.get(term.replace("-", " "))
                if weight is not None:
                    found.append(LexiconMatch(toks[i][0], toks[i + n - 1][1], technique, weight))
                    i += n
                    break
            else:
                i += 1
        return _merge_adjacent(text, found)


def _merge_adjacent(text: str, matches: list[LexiconMatch]) -> list[LexiconMatch]:
    out: list[LexiconMatch] = []
    for m in matches:
        if out and not text[out[-1].end : m.start].strip(" -\u00a0"):
            prev = out[-1]
            out[-1] = LexiconMatch(prev.start, m.end, m.technique, max(prev.weight, m.weight))
        else:
            out.append(m)
    return out


def curated_lexicon_path() -> Path:
    return Path(__file__).resolve().parent / "curated_lexicon.json"


def load_curated_lexicon(path: str | Path | None = None) -> dict[str, dict[str, float]]:
    """The curated lexicon file: ``{"weight": w, "techniques": {technique: [term, ...]}}``."""
    path = Path(path) if path is not None else curated_lexicon_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("lexicon file does not exist", code=Codes.MISSING_PATH, source=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a valid JSON lexicon: {exc}", code=Codes.BAD_RECORD, source=str(path)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("techniques"), dict):
        raise InputError("expected an object with a 'techniques' mapping", source=str(path))
    weight = float(data.get("weight", 0.6))
    out: dict[str, dict[str, float]] = {}
    for tech, terms in data["techniques"].items():
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise InputError(f"terms of {tech!r} must be a list of strings", source=str(path))
        out[tech] = {t: weight for t in terms if t.strip()}
    return out
