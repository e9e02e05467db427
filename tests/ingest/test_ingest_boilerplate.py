"""Boilerplate removal: the example article, tails modelled on real sites, and negative cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.ingest import make_article, remove_boilerplate
from narrascope.ingest.boilerplate import CUE_GROUPS, CleanResult

REASONS = {g.reason for g in CUE_GROUPS} | {"leading-whitespace", "trailing-whitespace"}


def check_consistent(raw: str, result: CleanResult) -> None:
    """The clean text is exactly raw minus the removed spans, and the map hits every character."""
    spans = sorted((s.start, s.end) for s in result.removed)
    for (a, b), (c, _) in zip(spans, spans[1:]):
        assert b <= c, "removed spans overlap"
    kept, pos = [], 0
    for a, b in spans:
        kept.append(raw[pos:a])
        pos = b
    kept.append(raw[pos:])
    assert "".join(kept) == result.text
    for span in result.removed:
        assert raw[span.start : span.end] == span.text
        assert span.reason in REASONS
    covered = sum(seg.length for seg in result.offset_map)
    assert covered == len(result.text)
    for seg in result.offset_map:
        clean_part = result.text[seg.clean_start : seg.clean_start + seg.length]
        assert clean_part == raw[seg.raw_start : seg.raw_start + seg.length]


def removed_by(result: CleanResult, reason: str) -> list[str]:
    """The removed texts of one reason, adjacent spans joined."""
    out: list[str] = []
    end = -1
    for span in result.removed:
        if span.reason != reason:
            continue
        if out and span.start == end:
            out[-1] += span.text
        else:
            out.append(span.text)
        end = span.end
    return out


BODY = (
    "Officials met on Thursday to discuss the ceasefire proposal, which diplomats said could be signed within days "
    "if both sides agreed on the monitoring mechanism.\n"
    "The talks, held behind closed doors, lasted more than six hours, according to two people familiar with them.\n"
)


def test_example_article(example_text: str) -> None:
    result = remove_boilerplate(example_text)
    check_consistent(example_text, result)
    see_also = removed_by(result, "see-also")
    assert len(see_also) == 1 and see_also[0].startswith("See Also:\n")
    assert "Russia Battles Blaze After Ukraine Claims Strike on Oil Terminal" in see_also[0]
    assert removed_by(result, "watch") == ["Watch:"]
    assert result.text.startswith("From Assad’s Backer to His Sanctuary, Russia Has Been Humiliated\n")
    assert result.text.endswith("it was unable to stop the downfall of Assad’s regime.")
    body_end = example_text.index("See Also:")
    assert result.text == example_text[1:body_end].rstrip("\n")  # body untouched
    article = make_article(example_text)
    assert article.text == result.text and article.removed == result.removed
    for i in range(len(article.text)):
        assert article.raw_text[article.to_raw(i)] == article.text[i]
    assert article.to_raw(len(article.text)) == body_end - 1


CASES: list[tuple[str, str, dict[str, list[str]]]] = [
    (
        "guardian-tail",
        "Ceasefire talks stall\n\n" + BODY
        + "\nExplore more on these topics\nUkraine\nRussia\nEurope\nShare\nReuse this content\n",
        {
            "see-also": ["Explore more on these topics\nUkraine\nRussia\nEurope\n"],
            "share": ["Share\nReuse this content\n"],
        },
    ),
    (
        "reuters-tail",
        "Ceasefire talks stall\n\n" + BODY + "Reporting by Jane Doe; Editing by John Roe\n"
        "Our Standards: The Thomson Reuters Trust Principles.\n\nMore from Reuters\n"
        "Oil prices rise as supply worries mount\nEuropean shares edge higher\n",
        {
            "publisher-notice": ["Our Standards: The Thomson Reuters Trust Principles.\n\n"],
            "see-also": ["More from Reuters\nOil prices rise as supply worries mount\nEuropean shares edge higher\n"],
        },
    ),
    (
        "rt-tail",
        "Ceasefire talks stall\n\n" + BODY + "You can share this story on social media:\nFollow RT on Telegram\n",
        {"share": ["You can share this story on social media:\nFollow RT on Telegram\n"]},
    ),
    (
        "kyiv-independent-read-also",
        "Ceasefire talks stall\n\nOfficials met on Thursday.\n\n"
        "Read also: Ukraine war latest: Russia strikes Kharkiv\n\n"
        "The talks lasted six hours.\n\nRelated articles\nUkraine war latest: Kyiv under attack\n"
        "Zelensky meets allies in Berlin\n",
        {
            "read-more": ["Read also: Ukraine war latest: Russia strikes Kharkiv\n\n"],
            "see-also": ["Related articles\nUkraine war latest: Kyiv under attack\nZelensky meets allies in Berlin\n"],
        },
    ),
    (
        "cookie-banner-first",
        "We use cookies to improve your experience. By continuing to browse you agree to our use of cookies.\n"
        "Accept all\nReject all\n\nCeasefire talks stall\n\n" + BODY,
        {
            "cookie": [
                "We use cookies to improve your experience. By continuing to browse you agree to our use of cookies.\n"
                "Accept all\nReject all\n"
            ]
        },
    ),
    (
        "advertisement-lines",
        "Ceasefire talks stall\n\nFirst paragraph about the talks.\n\nAdvertisement\n\n"
        "Second paragraph, after the ad.\n"
        "ADVERTISEMENT - SCROLL TO CONTINUE\nThird paragraph mentions the advertisement standards authority.\n"
        "Story continues below advertisement\nFourth paragraph.\n",
        {
            "advertisement": [
                "Advertisement\n\n",
                "ADVERTISEMENT - SCROLL TO CONTINUE\n",
                "Story continues below advertisement\n",
            ]
        },
    ),
    (
        "newsletter-and-subscribe",
        "Ceasefire talks stall\n\nFirst paragraph.\nSign up for our daily newsletter to get the news first\n"
        "Second paragraph.\n\nSubscribe to Pravda.Ru Telegram channel, Facebook, RSS!\n",
        {
            "share": [
                "Sign up for our daily newsletter to get the news first\n",
                "Subscribe to Pravda.Ru Telegram channel, Facebook, RSS!\n",
            ]
        },
    ),
    (
        "most-read-numbered",
        "Ceasefire talks stall\n\n" + BODY + "\nMost read\n1\nWhy the talks failed\n2\nWho pays for the war?\n"
        "© 2024 Example Media Ltd. All rights reserved.\n",
        {
            "see-also": ["Most read\n1\nWhy the talks failed\n2\nWho pays for the war?\n"],
            "publisher-notice": ["© 2024 Example Media Ltd. All rights reserved.\n"],
        },
    ),
    (
        "cookie-banner-at-the-end",
        "Ceasefire talks stall\n\n" + BODY + "\nThis website uses cookies to ensure you get the best experience.\n"
        "Got it!\n\nWe need your consent to load this rte-player content. We use rte-player to manage extra content "
        "that can set cookies on your device and collect data about your activity.\nAccept Cookies\n",
        {
            "cookie": [
                "This website uses cookies to ensure you get the best experience.\nGot it!\n\n"
                "We need your consent to load this rte-player content. We use rte-player to manage extra content "
                "that can set cookies on your device and collect data about your activity.\nAccept Cookies\n"
            ]
        },
    ),
    (
        "crlf-semeval-style",
        "Ceasefire talks stall\r\n\r\nOfficials met on Thursday.\r\nThe talks lasted six hours.\r\n\r\n"
        "Read More:\r\nWhy the talks failed\r\nVideo:\r\n",
        {"see-also": ["Read More:\r\nWhy the talks failed\r\n"], "watch": ["Video:\r\n"]},
    ),
]


@pytest.mark.parametrize("name,raw,expected", CASES, ids=[c[0] for c in CASES])
def test_real_site_patterns(name: str, raw: str, expected: dict[str, list[str]]) -> None:
    result = remove_boilerplate(raw)
    check_consistent(raw, result)
    for reason, texts in expected.items():
        assert removed_by(result, reason) == texts, reason
    unexpected = {s.reason for s in result.removed} - set(expected) - {"leading-whitespace", "trailing-whitespace"}
    assert not unexpected
    assert result.text.startswith("Ceasefire talks stall")
    assert not result.text.endswith(("\n", " "))
    for sentence in ("Officials met on Thursday", "The talks", "paragraph"):
        assert raw.count(sentence) == result.text.count(sentence)


NEGATIVES = [
    # "Watch"/"Video" in body text, and a tail line that is body ("Watch ... below")
    "Ceasefire talks stall\n\nWatch: the minister said, was the word of the day.\n" + BODY
    + "The video shows troops crossing the river.\nWatch the full Hudson Institute speech below:",
    # "related"/"Read more" in sentences
    "Ceasefire talks stall\n\nRelated articles of the treaty were amended in 2019, officials said.\n"
    "Read more about the dispute in the court filing, the lawyer told reporters on Friday.\n" + BODY,
    # a cue line followed by a long paragraph at the end is not a link list
    "Ceasefire talks stall\n\n" + BODY + "Related:\n" + BODY.replace("\n", " ").strip(),
    # a body sentence that mentions cookies and subscriptions
    "Cookie rules tightened\n\nRegulators said websites that use cookies without consent will be fined, and "
    "newspapers that ask readers to subscribe must show prices clearly.\nAdvertisement spending fell 5%.",
    # consent and cookies in politics and business news
    "Ceasefire talks stall\n\nWe will not give our consent to this deal, the minister said.\n"
    "This website's owner, a cookie maker, said sales fell.\nOK\n" + BODY,
    # a short last body line after a cue word inside a paragraph
    "Ceasefire talks stall\n\n" + BODY + "See also the statement of the ministry, published on Friday.",
]


@pytest.mark.parametrize("raw", NEGATIVES)
def test_legitimate_body_text_is_kept(raw: str) -> None:
    result = remove_boilerplate(raw)
    check_consistent(raw, result)
    assert result.text == raw.strip()
    assert {s.reason for s in result.removed} <= {"leading-whitespace", "trailing-whitespace"}


def test_all_boilerplate_leaves_nothing() -> None:
    result = remove_boilerplate("Advertisement\n\nShare this article\n")
    assert result.text == ""
    check_consistent("Advertisement\n\nShare this article\n", result)


def test_semeval_documents_offsets_map_back(shared: Path) -> None:
    docs = sorted((shared / "data/semeval2025-task10/target_4_December_release/EN/raw-documents").glob("*.txt"))[:60]
    if not docs:
        pytest.skip("SemEval EN raw documents not found")
    for path in docs:
        with open(path, encoding="utf-8", newline="") as fh:
            raw = fh.read()
        result = remove_boilerplate(raw)
        check_consistent(raw, result)


def test_random_mixes_keep_offsets_consistent() -> None:
    import random

    pool = [
        "Officials met on Thursday to discuss the proposal, which could be signed within days.",
        "He declined to comment.",
        "A short headline-like line",
        "See Also:",
        "Read more: Why the talks failed",
        "Watch:",
        "Advertisement",
        "Share this article",
        "We use cookies to improve your experience.",
        "Accept all",
        "© 2024 Example Media",
        "",
        "   ",
        "\r",
    ]
    rng = random.Random(7)
    for _ in range(300):
        lines = [rng.choice(pool) for _ in range(rng.randint(1, 14))]
        raw = rng.choice(["", "\n", " \r\n"]) + "\n".join(lines) + rng.choice(["", "\n", "\r\n\n"])
        result = remove_boilerplate(raw)
        check_consistent(raw, result)
        assert result.text == result.text.strip()
        for body_line in ("Officials met on Thursday", "He declined to comment."):  # sentences are never cut
            assert raw.count(body_line) == result.text.count(body_line)
