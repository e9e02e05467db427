from __future__ import annotations

import json

import pytest

from narrascope.errors import Codes, InputError
from narrascope.taxonomy.roles import MAIN_ROLES, load_role_taxonomy, parse_role_taxonomy

SEMEVAL_FINE = [
    "Guardian", "Martyr", "Peacemaker", "Rebel", "Underdog", "Virtuous",
    "Instigator", "Conspirator", "Tyrant", "Foreign Adversary", "Traitor", "Spy", "Saboteur", "Corrupt",
    "Incompetent", "Terrorist", "Deceiver", "Bigot",
    "Forgotten", "Exploited", "Victim", "Scapegoat",
]


def test_packaged_taxonomy_has_the_22_semeval_roles(taxonomy):
    assert taxonomy.main_roles == MAIN_ROLES
    assert list(taxonomy.fine_roles) == SEMEVAL_FINE
    assert taxonomy.main_of("Victim") == "Innocent"
    assert taxonomy.main_of("Foreign Adversary") == "Antagonist"
    assert taxonomy.fine_of("Protagonist") == ("Guardian", "Martyr", "Peacemaker", "Rebel", "Underdog", "Virtuous")
    for role in taxonomy.roles:
        assert role.definition and role.examples
        for ex in role.examples:
            assert ex.entity in ex.text


def test_unknown_role_names_the_taxonomy(taxonomy):
    with pytest.raises(InputError) as err:
        taxonomy.main_of("Hero")
    assert err.value.code == Codes.BAD_LABEL and "Hero" in str(err.value)


def _write(tmp_path, data):
    path = tmp_path / "roles.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _minimal():
    return {
        "name": "mine",
        "main_roles": [{"name": "Protagonist", "definition": "good"}, {"name": "Antagonist", "definition": "bad"}],
        "roles": [
            {"name": "Hero", "main_role": "Protagonist", "definition": "saves", "examples": [{"text": "Ann saves Bob.", "entity": "Ann"}]},
            {"name": "Villain", "main_role": "Antagonist", "definition": "harms"},
        ],
    }


def test_user_taxonomy_loads(tmp_path):
    tax = load_role_taxonomy(_write(tmp_path, _minimal()))
    assert tax.fine_roles == ("Hero", "Villain") and tax.main_roles == ("Protagonist", "Antagonist")


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["roles"][1].update(main_role="Innocent"), "not one of the declared main roles"),
        (lambda d: d["roles"].append(dict(d["roles"][0])), "used twice"),
        (lambda d: d["main_roles"].append({"name": "Sidekick", "definition": "x"}), "is not a main role"),
        (lambda d: d["roles"][0]["examples"][0].update(entity="Zed"), "does not occur"),
        (lambda d: d["roles"].pop(), "has no fine roles"),
        (lambda d: d["roles"][0].pop("definition"), "missing key 'definition'"),
    ],
)
def test_invalid_taxonomy_is_refused_with_the_file(tmp_path, mutate, message):
    data = _minimal()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(InputError) as err:
        load_role_taxonomy(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_bad_files(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_role_taxonomy(tmp_path / "nope.json")
    empty = tmp_path / "empty.json"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_role_taxonomy(empty)
    assert err.value.code == Codes.EMPTY_INPUT
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": ', encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        load_role_taxonomy(broken)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(InputError, match="not UTF-8"):
        load_role_taxonomy(binary)
    with pytest.raises(InputError, match="JSON object"):
        parse_role_taxonomy([1, 2])
