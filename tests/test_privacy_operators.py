"""Operators: consistent placeholders, masking, keyed hashing, and reversible pseudonymisation, including
answers restored from a stream cut at every possible point."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from siyada.privacy.operators import Pseudonymiser, detect, keyed_hash, mask, redact, replace
from siyada.privacy.secrets import InvalidMappingToken, TenantKeys, load_or_create_secret

TEXTS = [
    "M. Karim Bennani, CIN BE873214, tél 06 12 34 56 78, mail karim.bennani@gmail.com. "
    "M. Karim Bennani signe.",
    "السيد محمد العلوي، رقم البطاقة الوطنية JK45123، الهاتف 0661234567، السيارة 12345-أ-6.",
    "salam, ana smiti Fatima-Zahra Benkirane, numero dyali +212 661-234567, "
    "IBAN MA64011519000001205000534921",
    "Carte 4111 1111 1111 1111 et loi 09-08, décret 2-09-165, dossier 2024/1234, montant 12 500,00 DH.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_pseudonymise_then_restore_gives_the_text_back(text: str) -> None:
    p = Pseudonymiser()
    hidden = p.pseudonymise(text)
    assert p.values, "nothing was detected"
    for value in p.values.values():
        assert value not in hidden
    assert p.restore(hidden) == text


def test_one_value_one_placeholder_whatever_its_spelling() -> None:
    p = Pseudonymiser()
    hidden = p.pseudonymise(
        "M. Karim Bennani (0612345678) puis M. KARIM BENNANI au 06 12 34 56 78, et M. Omar Tazi"
    )
    assert hidden.count("<PERSON_1>") == 2 and "<PERSON_2>" in hidden
    assert hidden.count("<PHONE_NUMBER_1>") == 2 and "<PHONE_NUMBER_2>" not in hidden


def test_restore_tolerates_what_models_do_to_placeholders() -> None:
    p = Pseudonymiser()
    p.pseudonymise("M. Karim Bennani, CIN BE873214")
    answer = "Cher [PERSON_1], < ma_cin_1 > est noté; PERSON_1 confirme; <PERSON_9> inconnu; XPERSON_1 non."
    assert p.restore(answer) == (
        "Cher Karim Bennani, BE873214 est noté; Karim Bennani confirme; <PERSON_9> inconnu; XPERSON_1 non."
    )


@pytest.mark.parametrize("text", TEXTS)
def test_streamed_restore_at_every_split(text: str) -> None:
    p = Pseudonymiser()
    hidden = "Réponse: " + p.pseudonymise(text) + " <fin"
    expected = "Réponse: " + text + " <fin"
    for cut in range(len(hidden) + 1):
        r = p.restorer()
        assert r.feed(hidden[:cut]) + r.feed(hidden[cut:]) + r.flush() == expected
    rng = random.Random(7)
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, len(hidden)), rng.randint(2, 12)))
        pieces = [hidden[a:b] for a, b in zip([0, *cuts], [*cuts, len(hidden)], strict=True)]
        r = p.restorer()
        assert "".join(r.feed(x) for x in pieces) + r.flush() == expected


def test_stream_releases_text_that_cannot_be_a_placeholder() -> None:
    p = Pseudonymiser()
    p.pseudonymise("M. Karim Bennani")
    r = p.restorer()
    assert r.feed("Bonjour ") == "Bonjour "
    assert r.feed("<PERS") == ""  # might still become <PERSON_1>
    assert r.feed("ON_1>, a < b") == "Karim Bennani, a < b"  # "< b" cannot become one
    assert r.feed(" et [ ") == " et "
    assert r.feed("x") == "[ x"
    assert r.feed(" fin <") == " fin "
    assert r.flush() == "<"


def test_mask_redact_replace_and_keyed_hash() -> None:
    text = "CIN BE873214, tél 06 12 34 56 78."
    found = detect(text)
    assert mask(text, found, keep_last=2)[0] == "CIN ******14, tél ** ** ** ** 78."
    assert redact(text, found)[0] == "CIN , tél ."
    replaced, items = replace(text, found)
    assert replaced == "CIN <MA_CIN_1>, tél <PHONE_NUMBER_1>."
    assert [replaced[i.start : i.end] for i in items] == ["<MA_CIN_1>", "<PHONE_NUMBER_1>"]
    a = keyed_hash(text, found, b"a" * 32)[0]
    assert (
        a
        == keyed_hash("CIN BE873214, tél 0612345678.", detect("CIN BE873214, tél 0612345678."), b"a" * 32)[0]
    )
    assert a != keyed_hash(text, found, b"b" * 32)[0]
    assert "BE873214" not in a


def test_mapping_tokens_are_sealed_per_tenant_and_expire(tmp_path: Path) -> None:
    secret = load_or_create_secret(tmp_path)
    assert (
        load_or_create_secret(tmp_path) == secret
        and (tmp_path / "privacy.secret").stat().st_mode & 0o077 == 0
    )
    keys = TenantKeys(secret, b"h" * 32)
    token = keys.seal(1, {"<PERSON_1>": "Karim Bennani"})
    assert "Karim" not in token
    assert keys.open(1, token) == {"<PERSON_1>": "Karim Bennani"}
    with pytest.raises(InvalidMappingToken):
        keys.open(2, token)
    with pytest.raises(InvalidMappingToken):
        keys.open(1, token[:-3] + "xyz")
    expired = keys.seal(1, {"<PERSON_1>": "x"}, ttl=-1)
    time.sleep(0.01)
    with pytest.raises(InvalidMappingToken, match="expired"):
        keys.open(1, expired)
    assert keys.hash_key(1) != keys.hash_key(2)
