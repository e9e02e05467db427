"""From raw NER mentions to canonical entities: every rule and table in one place.

:func:`build_entities` applies, in this order:

1. **Cleaning** (:func:`clean_mention`): a span containing markup characters
   (``<>=(){}[]"|;``) keeps its last markup-free piece; then trim everything
   but letters and digits at both ends (an abbreviation's final dot stays:
   "U.S."), a leading "the"/"a"/"an" (a capitalised "The" only at a sentence
   start, so "The Hague" stays), trailing function words ("The Citadel in"), a
   trailing possessive ("Assad's" / "Assad’s" -> "Assad"), a lower-case hyphen
   suffix ("Kremlin-backed" -> "Kremlin"), and leading titles of person names
   ("President Vladimir Putin" -> "Vladimir Putin").  Dropped: spans with fewer
   than two letters or without any capital letter ("rebels"), adjectival
   "pro-/anti-" forms ("pro-Kremlin"), spans made only of titles ("Lieutenant
   General", "Foreign Minister").
2. **Demonyms / NORP**: a NORP used as a noun ("Syrians", "a Syrian") is the
   group in :data:`DEMONYMS` ("Syrians").  A NORP modifying a noun is extended
   to that noun phrase when the noun is in :data:`PEOPLE_NOUNS` and plural or
   collective (-> group, "Syrian rebels"; not "a Syrian rebel") or in
   :data:`INSTITUTION_NOUNS` (-> organisation, "Russian army");
   "<demonym> people/citizens/population" joins the plain demonym group
   ("The Syrian people" -> mention "Syrian people" of group "Syrians").  A
   demonym tagged GPE/LOC by the model is treated the same way.  Any other
   adjectival use ("the Syrian conflict", "Chinese banks") is not an entity.
3. **Canonical table and metonymy** (:data:`CANONICAL_ENTITIES`): country and
   institution aliases, capitals and seats of power used for their state
   ("Moscow", "the Kremlin" -> Russia; "Washington", "US", "America" -> United
   States).  The mention keeps its surface text; the entity is the canonical one.
   PERSON-labelled mentions of :data:`PERSONAL_NAME_ALIASES` ("Washington")
   stay persons.  :data:`CONTEXT_METONYMS` apply only
   when the target is also named in the article ("Brussels" -> European Union
   when the EU is mentioned).  Cities that are often literal places in news
   (London, Paris, Berlin) are deliberately *not* mapped.
4. **Keys and merging**: case-, accent- and punctuation-insensitive keys
   (:func:`norm_key`).  Mentions of other labels with the same key share the
   majority type.  Person names merge when one name's tokens (ignoring
   :data:`NAME_PARTICLES` such as "al") are an ordered part of exactly one
   longer name in the article ("Assad", "al-Assad" -> "Bashar al-Assad";
   "Kisel" -> "Sergey Kisel"); a non-person single word equal to such a
   surname joins the person (a surname shared by several people in the
   article becomes a person of its own).  An all-capital acronym joins the organisation
   whose initials it spells.
5. **Headline cleanup**: lines in Title Case (or the article title) make spaCy
   invent entities ("Wider Use Possible", "Assad's Backer", "Sanctuary").  An
   entity mentioned only in such lines is dropped unless it is in the canonical
   table or its text also occurs in the body.  A single capitalised word that
   appears lower-case elsewhere and is capitalised only at sentence starts or in
   headlines is a common noun and is dropped.
6. **Recovery**: the aliases of every kept entity (for canonical entities:
   every alias in the table) are searched in the whole text (case-sensitive,
   whole words, not inside hyphenated words) and missed occurrences are added,
   e.g. "Assad" inside the dropped headline span "Assad's Backer".  Outside
   headlines a match next to another capitalised word ("Latin America") is
   skipped.  Groups are not recovered.

Edit the tables below to add countries, titles or demonyms.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from narrascope.doc import Entity, EntityType, Mention, Span

__all__ = [
    "RawMention",
    "LABEL_TYPES",
    "CANONICAL_ENTITIES",
    "CONTEXT_METONYMS",
    "PERSONAL_NAME_ALIASES",
    "DEMONYMS",
    "PEOPLE_NOUNS",
    "COLLECTIVE_NOUNS",
    "GENERIC_PEOPLE_NOUNS",
    "INSTITUTION_NOUNS",
    "TITLE_WORDS",
    "NAME_PARTICLES",
    "norm_key",
    "clean_mention",
    "headline_ranges",
    "build_entities",
]

# ---------------------------------------------------------------------------
# Tables (data: edit freely)
# ---------------------------------------------------------------------------

#: NER label -> entity type; other labels (DATE, PRODUCT, MISC, ...) are not entities.
LABEL_TYPES: dict[str, EntityType] = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}

#: canonical name -> (type, aliases).  Aliases include metonyms: capitals and seats of power.
CANONICAL_ENTITIES: dict[str, tuple[EntityType, tuple[str, ...]]] = {
    "Russia": ("place", ("Russia", "Russian Federation", "Moscow", "Kremlin")),
    "Ukraine": ("place", ("Ukraine", "Kyiv", "Kiev")),
    "United States": (
        "place",
        (
            "United States", "United States of America", "US", "U.S.", "USA", "U.S.A.", "America",
            "Washington", "Washington, D.C.", "Washington D.C.", "White House",
        ),
    ),
    "China": ("place", ("China", "People's Republic of China", "PRC", "Beijing")),
    "Syria": ("place", ("Syria", "Syrian Arab Republic", "Damascus")),
    "Iran": ("place", ("Iran", "Islamic Republic of Iran", "Tehran", "Teheran")),
    "United Kingdom": ("place", ("United Kingdom", "UK", "U.K.", "Britain", "Great Britain", "Downing Street")),
    "France": ("place", ("France", "Élysée", "Elysee", "Elysee Palace", "Élysée Palace")),
    "Belarus": ("place", ("Belarus", "Minsk")),
    "North Korea": ("place", ("North Korea", "DPRK", "Pyongyang")),
    "European Union": ("organisation", ("European Union", "EU", "E.U.")),
    "NATO": (
        "organisation",
        (
            "NATO", "Nato", "North Atlantic Treaty Organization", "North Atlantic Treaty Organisation",
            "North Atlantic Alliance",
        ),
    ),
    "United Nations": ("organisation", ("United Nations", "UN", "U.N.")),
}

#: table aliases that are also personal names: a PERSON-labelled mention of them stays a person.
PERSONAL_NAME_ALIASES: frozenset[str] = frozenset({"Washington", "America"})

#: alias -> canonical name, applied only when that canonical entity is also named in the article.
CONTEXT_METONYMS: dict[str, str] = {"Brussels": "European Union"}

#: demonym (adjective, and the plural noun) -> group name.
DEMONYMS: dict[str, str] = {
    "Syrian": "Syrians", "Syrians": "Syrians",
    "Russian": "Russians", "Russians": "Russians",
    "Ukrainian": "Ukrainians", "Ukrainians": "Ukrainians",
    "American": "Americans", "Americans": "Americans",
    "Iranian": "Iranians", "Iranians": "Iranians",
    "Israeli": "Israelis", "Israelis": "Israelis",
    "Palestinian": "Palestinians", "Palestinians": "Palestinians",
    "Chinese": "Chinese",
    "British": "British", "Briton": "British", "Britons": "British",
    "French": "French",
    "German": "Germans", "Germans": "Germans",
    "European": "Europeans", "Europeans": "Europeans",
    "Belarusian": "Belarusians", "Belarusians": "Belarusians",
    "Polish": "Poles", "Pole": "Poles", "Poles": "Poles",
    "Turkish": "Turks", "Turk": "Turks", "Turks": "Turks",
    "Kurdish": "Kurds", "Kurd": "Kurds", "Kurds": "Kurds",
    "Iraqi": "Iraqis", "Iraqis": "Iraqis",
    "Lebanese": "Lebanese",
    "Afghan": "Afghans", "Afghans": "Afghans",
    "Arab": "Arabs", "Arabs": "Arabs",
    "North Korean": "North Koreans", "North Koreans": "North Koreans",
    "Chechen": "Chechens", "Chechens": "Chechens",
    "Georgian": "Georgians", "Georgians": "Georgians",
    "Bulgarian": "Bulgarians", "Bulgarians": "Bulgarians",
    "Portuguese": "Portuguese",
    "Indian": "Indians", "Indians": "Indians",
    "Japanese": "Japanese",
    "Muslim": "Muslims", "Muslims": "Muslims",
    "Christian": "Christians", "Christians": "Christians",
    "Jewish": "Jews", "Jew": "Jews", "Jews": "Jews",
    "Alawite": "Alawites", "Alawites": "Alawites",
    "Democrat": "Democrats", "Democrats": "Democrats",
    "Republican": "Republicans", "Republicans": "Republicans",
}

#: nouns (lemmas) that make "<NORP> <noun>" a group of people when the noun is plural ("Syrian rebels",
#: not "a Syrian rebel") or collective (:data:`COLLECTIVE_NOUNS`).
PEOPLE_NOUNS: frozenset[str] = frozenset({
    "people", "citizen", "population", "national", "public", "civilian", "refugee", "migrant", "resident",
    "rebel", "fighter", "militant", "soldier", "troop", "force", "mercenary", "volunteer", "insurgent",
    "official", "leader", "leadership", "politician", "lawmaker", "senator", "diplomat", "activist",
    "protester", "opposition", "voter", "worker", "farmer", "student", "family", "child", "woman", "man",
    "community", "diaspora", "hacker", "propagandist", "elite", "oligarch", "nationalist",
})
#: people nouns that name a group even in the singular.
COLLECTIVE_NOUNS: frozenset[str] = frozenset({
    "people", "population", "public", "leadership", "opposition", "community", "diaspora", "elite",
})
#: people nouns that mean the whole people: "<demonym> people" joins the demonym group.
GENERIC_PEOPLE_NOUNS: frozenset[str] = frozenset({"people", "citizen", "population", "national", "public"})
#: nouns that make "<NORP> <noun>" an organisation.
INSTITUTION_NOUNS: frozenset[str] = frozenset({
    "government", "authority", "army", "military", "navy", "regime", "parliament", "ministry", "state",
    "administration", "intelligence", "police", "embassy", "media", "court",
})

#: titles, ranks and roles: stripped in front of person names; a span made only of them is dropped.
TITLE_WORDS: frozenset[str] = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "president", "vice", "prime", "minister", "chancellor", "secretary", "senator", "governor", "mayor",
    "ambassador", "spokesman", "spokeswoman", "spokesperson", "chairman", "chairwoman", "chair", "ceo",
    "director", "deputy", "foreign", "defense", "defence", "interior", "finance", "general", "lieutenant",
    "lt", "gen", "col", "colonel", "major", "maj", "captain", "capt", "commander", "admiral", "sergeant",
    "marshal", "field", "chief", "staff", "head", "former", "ex", "king", "queen", "prince", "princess",
    "pope", "patriarch", "sheikh", "emir", "sultan", "premier", "speaker", "rep", "sen", "gov", "sec",
})

#: name particles ignored when matching a surname to a full name ("al-Assad" ~ "Assad").
NAME_PARTICLES: frozenset[str] = frozenset({
    "al", "el", "bin", "ibn", "de", "da", "di", "du", "van", "von", "der", "den", "la", "le", "del", "dos", "das",
})

#: words not counted when deciding whether a line is in Title Case.
_FUNCTION_WORDS: frozenset[str] = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "and", "or", "but", "nor",
    "as", "vs", "via", "into", "onto", "over", "per", "than", "up", "out", "off",
})

# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RawMention:
    """One NER span (offsets into the article text) with the syntax the rules need."""

    start: int
    end: int
    label: str
    #: NORP used as a modifier: lemma of the noun it modifies and that noun's end offset.
    modifies: str | None = None
    modifies_end: int | None = None
    #: the modified noun is plural ("rebels").
    modifies_plural: bool = False
    #: NORP used as an adjective / modifier (not as a noun).
    adjectival: bool = False


@dataclass
class _Resolved:
    start: int
    end: int
    label: str
    kind: str  # "table" | "group" | "named" | "person"
    key: str
    type: EntityType
    name: str | None = None  # fixed canonical name (table, demonym group)
    cluster: str = ""


# ---------------------------------------------------------------------------
# Keys and cleaning
# ---------------------------------------------------------------------------

_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")
_PREFIX_ADJ = re.compile(r"^(?:pro|anti|non|post|pre|neo)[-‐‑–]", re.IGNORECASE)
_DETERMINER = re.compile(r"(?:the|a|an|The|THE)\s+")
_TRAILING_FUNCTION_WORD = re.compile(r"\s+(?:of|in|on|at|by|for|from|with|and|or|to|the|a|an)$")
_MARKUP_FREE = re.compile(r"[^<>=(){}\[\]\"|\\;`]+")
_HYPHEN_SUFFIX = re.compile(r"[-‐‑][a-z]+$")  # "Kremlin-backed", "Gates-connected"


@functools.lru_cache(maxsize=1 << 16)
def norm_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: "the U.S." -> "us", "Assad’s" -> "assad"."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("’", "'").replace("`", "'").strip()
    s = _POSSESSIVE.sub("", s).casefold().replace(".", "").replace("'", "")
    s = _NON_WORD.sub(" ", s).replace("_", " ")
    words = s.split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(words)


def _words(text: str) -> list[str]:
    return norm_key(text).split()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] == "."):
        end -= 1
    # a final dot stays only on abbreviations ("U.S.", "Washington D.C.")
    while end > start and text[end - 1] == "." and "." not in text[start : end - 1]:
        end -= 1
    return start, end


def clean_mention(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    """Cleaned ``[start, end)`` of a mention, or ``None`` if it is not an entity (rule 1)."""
    # markup inside the span ('onerror="alert(\'Vladimir Putin'): keep the last piece with a capital
    pieces = [m for m in _MARKUP_FREE.finditer(text, start, end) if any(c.isupper() for c in m.group())]
    if pieces and (pieces[-1].start() > start or pieces[-1].end() < end):
        start, end = pieces[-1].span()
    start, end = _trim(text, start, end)
    if (m := _DETERMINER.match(text, start, end)) is not None and (
        m.group()[0].islower() or _sentence_initial(text, start, ())
    ):
        start = m.end()  # "the Kremlin"; a capitalised "The" mid-sentence is part of the name ("The Hague")
    if (m := _POSSESSIVE.search(text[start:end])) is not None:
        end = start + m.start()
    start, end = _trim(text, start, end)
    if (m := _HYPHEN_SUFFIX.search(text[start:end])) is not None:
        end = start + m.start()
    while (m := _TRAILING_FUNCTION_WORD.search(text[start:end])) is not None:  # "The Citadel in"
        end = start + m.start()
    surface = text[start:end]
    if sum(c.isalpha() for c in surface) < 2:
        return None
    if any(c.islower() for c in surface) and not any(c.isupper() for c in surface):
        return None
    if _PREFIX_ADJ.match(surface):
        return None
    words = _words(surface)
    if not words or all(w in TITLE_WORDS for w in words):
        return None
    if label in ("PERSON", "PER"):
        # strip leading titles: "President Vladimir Putin" -> "Vladimir Putin"
        while True:
            m = re.match(r"[\w.]+[\s]+", text[start:end])
            if m is None or norm_key(m.group()) not in TITLE_WORDS:
                break
            start += m.end()
    return (start, end) if start < end else None


# ---------------------------------------------------------------------------
# Headlines
# ---------------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]+")
_WORD = re.compile(r"[^\W\d_][^\s]*")


def _is_headline(line: str) -> bool:
    words = _WORD.findall(line)
    if not words or len(words) > 30:
        return False
    content = [w for w in words if w.strip(".,:;!?\"'“”‘’()").lower() not in _FUNCTION_WORDS]
    cased = [w for w in content if w[0].isupper() or w[0].islower()]
    if not cased:
        return False
    return sum(w[0].isupper() for w in cased) / len(cased) >= 0.75


def headline_ranges(text: str, title: str = "") -> list[tuple[int, int]]:
    """``[start, end)`` of lines in Title Case (and of the line equal to ``title``)."""
    title = title.strip()
    return [
        (m.start(), m.end())
        for m in _LINE.finditer(text)
        if (title and m.group().strip() == title) or _is_headline(m.group())
    ]


def _in_ranges(pos: int, ranges: Sequence[tuple[int, int]], starts: Sequence[int]) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and ranges[i][0] <= pos < ranges[i][1]


_HYPHENS = frozenset("-‐‑")


def _is_word_char(ch: str) -> bool:
    """What ``re``'s ``\\w`` matches in a str pattern (Unicode alphanumerics and the underscore), or a hyphen."""
    return ch.isalnum() or ch == "_" or ch in _HYPHENS


def _occurrences(text: str, surface: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each whole-word occurrence of ``surface`` in ``text``, left to right, not
    overlapping: no word character or hyphen directly before or after.  A ``str.find`` scan rather
    than a regular expression per surface: an article has hundreds of distinct surfaces, and compiling
    one pattern each (``re``'s cache holds 512) cost more than the search."""
    if not surface:
        return
    n, size, pos = len(text), len(surface), 0
    while (start := text.find(surface, pos)) != -1:
        end = start + size
        if (start == 0 or not _is_word_char(text[start - 1])) and (end == n or not _is_word_char(text[end])):
            yield start, end
            pos = end
        else:
            pos = start + 1


# ---------------------------------------------------------------------------
# Resolution
# ---------------------------------------------------------------------------


def _table_index() -> dict[str, str]:
    return {norm_key(alias): name for name, (_, aliases) in CANONICAL_ENTITIES.items() for alias in aliases}


def _personal_name_keys() -> set[str]:
    return {norm_key(alias) for alias in PERSONAL_NAME_ALIASES}


def _demonym_index() -> dict[str, str]:
    return {norm_key(k): v for k, v in DEMONYMS.items()}


def _resolve(
    text: str, raw: RawMention, table: dict[str, str], demonyms: dict[str, str], personal: set[str]
) -> _Resolved | None:
    if raw.label not in LABEL_TYPES:
        return None
    cleaned = clean_mention(text, raw.start, raw.end, raw.label)
    if cleaned is None:
        return None
    start, end = cleaned
    key = norm_key(text[start:end])
    if raw.label == "NORP" or (raw.label in ("GPE", "LOC") and key in demonyms and key not in table):
        demonym = demonyms.get(key)
        if raw.adjectival or raw.modifies is not None:
            noun = raw.modifies
            if noun is None or raw.modifies_end is None or raw.modifies_end <= end:
                return None
            if noun in GENERIC_PEOPLE_NOUNS and demonym and (raw.modifies_plural or noun in COLLECTIVE_NOUNS):
                return _Resolved(start, raw.modifies_end, raw.label, "group", "g:" + demonym, "group", demonym)
            if noun in PEOPLE_NOUNS and (raw.modifies_plural or noun in COLLECTIVE_NOUNS):
                return _Resolved(start, raw.modifies_end, raw.label, "group", f"g:{key} {noun}", "group")
            if noun in INSTITUTION_NOUNS:
                return _Resolved(start, raw.modifies_end, raw.label, "group", f"g:{key} {noun}", "organisation")
            return None
        if demonym:
            return _Resolved(start, end, raw.label, "group", "g:" + demonym, "group", demonym)
        # an unknown NORP noun ("Zionists", or a surname the model took for one): merged like a name
        return _Resolved(start, end, raw.label, "named", key, "group")
    if key in table and (raw.label not in ("PERSON", "PER") or key not in personal):
        name = table[key]
        return _Resolved(start, end, raw.label, "table", "t:" + name, CANONICAL_ENTITIES[name][0], name)
    return _Resolved(start, end, raw.label, "named", key, LABEL_TYPES[raw.label])


def _drop_overlaps(items: list[_Resolved]) -> list[_Resolved]:
    """Keep the longer of two overlapping mentions (then the earlier)."""
    kept: list[_Resolved] = []
    spans: list[tuple[int, int]] = []  # kept spans, sorted and disjoint
    for item in sorted(items, key=lambda r: (-(r.end - r.start), r.start)):
        i = bisect.bisect_left(spans, (item.start, item.end))
        if i > 0 and spans[i - 1][1] > item.start:
            continue
        if i < len(spans) and spans[i][0] < item.end:
            continue
        spans.insert(i, (item.start, item.end))
        kept.append(item)
    return sorted(kept, key=lambda r: r.start)


def _name_tokens(key: str) -> list[str]:
    return [t for t in key.split() if t not in NAME_PARTICLES]


def _is_part_of(short: list[str], full: list[str]) -> bool:
    """``short`` names the same person as ``full``: a surname/first name, or an ordered subset ending alike."""
    if not short or len(short) > len(full):
        return False
    if len(short) == 1:
        return short[0] in (full[0], full[-1])
    if short[-1] != full[-1]:
        return False
    it = iter(full)
    return all(tok in it for tok in short)


def _initials(surface: str) -> str:
    return "".join(w[0] for w in surface.split() if w[:1].isupper() and w.lower() not in _FUNCTION_WORDS)


def _assign_clusters(text: str, items: list[_Resolved]) -> None:
    """Set ``cluster`` on every item (rule 4)."""
    # majority type per named key
    votes: dict[str, Counter[str]] = {}
    for r in items:
        if r.kind == "named":
            votes.setdefault(r.key, Counter())[r.type] += 1
    for r in items:
        if r.kind == "named":
            r.type = votes[r.key].most_common(1)[0][0]  # type: ignore[assignment]
            if r.type == "person":
                r.kind = "person"
    # person clusters: longest names first
    person_keys: list[str] = []
    for r in items:
        if r.kind == "person" and r.key not in person_keys:
            person_keys.append(r.key)
    person_keys.sort(key=lambda k: -len(_name_tokens(k)))
    reps: list[list[str]] = []
    key_cluster: dict[str, str] = {}
    for key in person_keys:
        tokens = _name_tokens(key) or key.split()
        candidates = [i for i, rep in enumerate(reps) if _is_part_of(tokens, rep)]
        if len(candidates) > 1:  # prefer a surname match: "Fonda" -> "Jane Fonda", not "Fonda Heads"
            candidates = [i for i in candidates if reps[i][-1] == tokens[-1]]
        if len(candidates) == 1:
            key_cluster[key] = f"p:{candidates[0]}"
        else:
            reps.append(tokens)
            key_cluster[key] = f"p:{len(reps) - 1}"
    surnames: dict[str, set[str]] = {}
    for i, rep in enumerate(reps):
        if len(rep) > 1:
            surnames.setdefault(rep[-1], set()).add(f"p:{i}")
    for r in items:
        if r.kind == "person":
            r.cluster = key_cluster[r.key]
        elif r.kind == "named" and len(r.key.split()) == 1 and len(surnames.get(r.key, ())) == 1:
            r.kind, r.type, r.cluster = "person", "person", next(iter(surnames[r.key]))
        elif r.kind == "named" and len(r.key.split()) == 1 and r.key in surnames:  # ambiguous surname
            r.kind, r.type, r.cluster = "person", "person", "n:" + r.key
        elif r.kind == "named":
            r.cluster = "n:" + r.key
        else:
            r.cluster = r.key
    # acronyms -> organisation whose initials they spell
    long_orgs: dict[str, set[str]] = {}
    for r in items:
        surface = text[r.start : r.end]
        if r.kind == "named" and r.type == "organisation" and len(surface.split()) > 1:
            long_orgs.setdefault(_initials(surface), set()).add(r.cluster)
    for r in items:
        surface = text[r.start : r.end]
        if r.kind == "named" and surface.isupper() and 2 <= len(surface) <= 6 and len(long_orgs.get(surface, ())) == 1:
            r.cluster = next(iter(long_orgs[surface]))


def _apply_context_metonyms(items: list[_Resolved]) -> None:
    """Rule 3, context part: "Brussels" -> European Union when the EU is named by a table alias."""
    named = {r.name for r in items if r.kind == "table"}
    context = {norm_key(k): v for k, v in CONTEXT_METONYMS.items()}
    for r in items:
        if r.kind == "named" and r.label not in ("PERSON", "PER") and context.get(r.key) in named:
            name = context[r.key]
            r.kind, r.key, r.type, r.name = "table", "t:" + name, CANONICAL_ENTITIES[name][0], name


def _entity_name(text: str, mentions: list[_Resolved]) -> str:
    fixed = next((m.name for m in mentions if m.name), None)
    if fixed:
        return fixed
    surfaces = [text[m.start : m.end] for m in mentions]
    return max(surfaces, key=lambda s: (len(_name_tokens(norm_key(s))), not s.isupper(), len(s)))


def build_entities(
    text: str,
    raw_mentions: Sequence[RawMention],
    sentences: Sequence[Span] = (),
    *,
    title: str = "",
) -> list[Entity]:
    """Canonical entities of one article from its raw NER mentions (all rules, see the module doc)."""
    table, demonyms, personal = _table_index(), _demonym_index(), _personal_name_keys()
    items = [r for raw in raw_mentions if (r := _resolve(text, raw, table, demonyms, personal)) is not None]
    items = _drop_overlaps(items)
    _apply_context_metonyms(items)
    _assign_clusters(text, items)

    heads = headline_ranges(text, title)
    head_starts = [s for s, _ in heads]
    sent_starts = [s.start for s in sentences]
    body_text = _mask(text, heads)

    clusters: dict[str, list[_Resolved]] = {}
    for r in items:
        clusters.setdefault(r.cluster, []).append(r)

    kept: dict[str, list[_Resolved]] = {}
    for cid, mentions in clusters.items():
        fixed = any(m.kind == "table" for m in mentions)
        in_head = [_in_ranges(m.start, heads, head_starts) for m in mentions]
        if not fixed and all(in_head):
            surfaces = {text[m.start : m.end] for m in mentions}
            if not any(next(iter(_occurrences(body_text, surface)), None) for surface in surfaces):
                continue  # rule 5: headline-only invention
        if not fixed and _is_common_noun(text, mentions, in_head, sent_starts):
            continue
        kept[cid] = mentions

    _recover(text, kept, heads, head_starts)

    entities: list[Entity] = []
    ordered = sorted(kept.values(), key=lambda ms: min(m.start for m in ms))
    for i, mentions in enumerate(ordered):
        mentions.sort(key=lambda m: m.start)
        aliases: list[str] = []
        for m in mentions:
            if text[m.start : m.end] not in aliases:
                aliases.append(text[m.start : m.end])
        types = Counter(m.type for m in mentions)
        etype = next((m.type for m in mentions if m.kind in ("table", "person")), types.most_common(1)[0][0])
        entities.append(
            Entity(
                id=f"e{i}",
                name=_entity_name(text, mentions),
                type=etype,
                aliases=aliases,
                mentions=[
                    Mention(
                        start=m.start,
                        end=m.end,
                        text=text[m.start : m.end],
                        label=m.label,
                        sentence=_sentence_index(m.start, sentences, sent_starts),
                    )
                    for m in mentions
                ],
            )
        )
    return entities


def _mask(text: str, ranges: Sequence[tuple[int, int]]) -> str:
    """``text`` with the given ranges blanked out (offsets preserved)."""
    parts, pos = [], 0
    for s, e in ranges:
        parts.append(text[pos:s])
        parts.append(" " * (e - s))
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def _is_common_noun(text: str, mentions: list[_Resolved], in_head: list[bool], sent_starts: list[int]) -> bool:
    surfaces = {text[m.start : m.end] for m in mentions}
    if any(len(s.split()) != 1 for s in surfaces):
        return False
    if not all(h or _sentence_initial(text, m.start, sent_starts) for m, h in zip(mentions, in_head)):
        return False
    return any(next(iter(_occurrences(text, s.lower())), None) for s in surfaces if s.lower() != s)


def _sentence_initial(text: str, pos: int, sent_starts: Sequence[int]) -> bool:
    i = bisect.bisect_left(sent_starts, pos)
    if i < len(sent_starts) and sent_starts[i] == pos:
        return True
    before = text[max(0, pos - 3) : pos].rstrip(" \"'“‘(")
    return before == "" or before.endswith((".", "!", "?", "\n"))


def _recover(
    text: str, kept: dict[str, list[_Resolved]], heads: list[tuple[int, int]], head_starts: list[int]
) -> None:
    """Rule 6: add missed occurrences of the aliases of the kept entities."""
    taken = sorted((m.start, m.end) for ms in kept.values() for m in ms)
    starts = [s for s, _ in taken]
    jobs: list[tuple[str, str]] = []
    for cid, mentions in kept.items():
        if any(m.kind == "group" for m in mentions):
            continue
        surfaces = {text[m.start : m.end] for m in mentions}
        table_name = next((m.name for m in mentions if m.kind == "table" and m.name), None)
        if table_name:  # every alias of a canonical entity, e.g. "Kyiv" once Ukraine is known
            surfaces.update(CANONICAL_ENTITIES[table_name][1])
        for surface in surfaces:
            if len(surface) >= 2 and surface[0].isupper():
                jobs.append((surface, cid))
    jobs.sort(key=lambda j: -len(j[0]))
    for surface, cid in jobs:
        label = Counter(m.label for m in kept[cid]).most_common(1)[0][0]
        template = kept[cid][0]
        for s, e in _occurrences(text, surface):
            i = bisect.bisect_left(starts, e)
            if i > 0 and taken[i - 1][1] > s:
                continue  # overlaps a mention
            if not _in_ranges(s, heads, head_starts) and _next_to_capitalised(text, s, e):
                continue
            taken.insert(i, (s, e))
            starts.insert(i, s)
            kept[cid].append(
                _Resolved(s, e, label, template.kind, template.key, template.type, template.name, cid)
            )


_PREV_WORD = re.compile(r"([^\W\d_][\w'’\-]*) $")
_NEXT_WORD = re.compile(r" ([^\W\d_][\w'’\-]*)")


def _next_to_capitalised(text: str, start: int, end: int) -> bool:
    prev = _PREV_WORD.search(text, max(0, start - 40), start)
    if prev and prev.group(1)[0].isupper() and prev.group(1).lower() not in _FUNCTION_WORDS:
        return True
    nxt = _NEXT_WORD.match(text, end)
    return bool(nxt and nxt.group(1)[0].isupper())


def _sentence_index(pos: int, sentences: Sequence[Span], sent_starts: list[int]) -> int | None:
    i = bisect.bisect_right(sent_starts, pos) - 1
    if i >= 0 and pos < sentences[i].end:
        return i
    return None
