"""Names in chats that neither the cue rules nor the model read (round 9, from wild11's and wild12's misses).

- **Lists of given names**: three known given names in a row in a lower-case chat ("ayman omar saad
  kolchi mojoud", "sarah ilyas yahya chahd") or names joined by "w", "o", "et", "و" ("chaimae w douae",
  "اطو و موحا") are as many people, each its own span; the model read two of them as given + family name
  or left them all.
- **A role word before a name** in Arabizi and French chats, often with the Darija article ("l'prof tazi",
  "coach lahlou", "lmadame benchekroun", "l'gardien ba3ziz", "lalla fatna", "hajja aicha"): the next word
  is a name when the lists hold it as a given or a family name, or it is shaped like a family name (ben-,
  bou-, ait-, el + word); the role word stays outside, as the labelled sets keep titles outside.
- **A chat log's speaker label** (round 10): "omar: ah ana f gare / anas: ok".
- **A chat that opens on a name** ("nabila 3afak 3tini…", "jalila ra 3ndha mochkil"): a known given name,
  lower case, as a message's first word before a Darija word, or before a ben-, bou-, ait- family name.

Given names that are everyday words (amal, nour, said, ghali…) are left alone outside a list of three.
"""

from __future__ import annotations

import re

from siyada.privacy import entities as T
from siyada.privacy.entities import Entity
from siyada.privacy.gazetteer import norm, word_cache, words
from siyada.privacy.lead import lead
from siyada.privacy.name_features import _gazetteer
from siyada.privacy.names import _AMBIGUOUS, _AR_AMBIGUOUS, _CHAT_STOP
from siyada.privacy.trie_regex import trie_pattern

LIST_SCORE = 0.85  # a sure rule: the model must be near-certain to read the words otherwise
ROLE_SCORE = 0.7

_LAT = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'’]*")  # Latin words only: an Arabic text costs no Python loop
_AR = re.compile(r"[\u0621-\u064A\u0671-\u06D3]+")

# Given names that are everyday Darija, French or English words (the cue rules' lists and more): a name
# only inside a list of three.
_EVERYDAY = _AMBIGUOUS | words(
    """farah sabah ghali malak badr hakim mounir saad fadel jamila latifa bahia najat rajae safae houda hoda
    lina ines yasmine nada mina rabia mourad sami samir fatiha chama"""
)
_AR_EVERYDAY = _AR_AMBIGUOUS | words("سلام مريم الله السلام")
# Second parts of a compound given name: "fatima zahra", "nour eddine" are one name, not a list.
_SECOND = words("zahra ezzahra zohra eddine eddin dine ilah allah amine")
_JOIN_LATIN = frozenset({" w ", " o ", " et ", " and ", ", "})
# Two words or more joined by "و" (a space on each side, maybe a comma first): one scan finds the runs.
_AR_RUN = re.compile(
    r"(?<![\u0621-\u064A\u0671-\u06D3])[\u0621-\u064A\u0671-\u06D3]+(?:،? و [\u0621-\u064A\u0671-\u06D3]+)+"
    r"(?![\u0621-\u064A\u0671-\u06D3])"
)
_AR_JOIN = " و "
# An honorific makes the words after it one person's name ("moulay ali cherif"), never a list.
_HONORIFICS = words("moulay mulay my sidi si lalla lala")

# Role words before a name in chats, bare or with the Darija article ("l'prof", "lprof", "el prof").
_ROLES = words(
    """prof professeur ostad ostada oustad oustada coach chef madame mdir mdira directeur directrice manager
    client cliente gardien gardienne docteur doctor tbib tbiba m3allem m3alem patron patronne voisin
    voisine lalla hajja l7ajja 7ajja hajj lhaj l7aj l7ajj mi sat capitaine caid qaid mouqadem moqadem"""
)
# The role words as a trie, in lower case and capitalised, the Darija article optional (one scan, case
# sensitive: IGNORECASE made it twice as slow).
_ROLE = re.compile(
    lead(_ROLES | {w.capitalize() for w in _ROLES}, more="lLeEaA")
    + r"(?<![\w'’])(?:[lL]['’]?|[eEaA]l )?("
    + trie_pattern(sorted(_ROLES | {w.capitalize() for w in _ROLES}))
    + r")[ ]+(?=[^\W\d_])"
)
_FAMILY_SHAPE = re.compile(r"^(?:ben|bou|ait|el|al|id)[a-z3-9]{3,}$")
_PARTICLE_WORDS = frozenset({"el", "al", "ait", "id", "ben", "bou", "ou", "ould"})
# Darija and French words a name is not, though a list may hold them or their shape fits.
_NOT_A_NAME = _CHAT_STOP | words(
    """dyalek dyalo dyalha d fi ila howa hiya homa ana nta nti ntoma rah ra kayn kaynin had hadi hada hadak
    hadik bien bon belle beau tres très"""
)


@word_cache(maxsize=65536)
def _latin_flags(word: str) -> tuple[str, ...]:
    """The lexicon flags, cached per word as the model's features are (a text repeats words)."""
    return tuple(_gazetteer(word, "d" if word[0].isdigit() else "lat"))


@word_cache(maxsize=65536)
def _given(word: str) -> bool:
    flags = _latin_flags(word)
    return "g" in flags and "town" not in flags and "place" not in flags


def _name_word(word: str) -> bool:
    """A known given or family name, or a word shaped like a family name (ben-, bou-, ait-, el-…)."""
    low = norm(word)
    if low in _NOT_A_NAME or low in _ROLES:
        return False
    flags = _latin_flags(word)
    if "town" in flags or "place" in flags:
        return False
    return "g" in flags or "f" in flags or _FAMILY_SHAPE.match(low) is not None


def _latin_lists(text: str) -> list[Entity]:
    # A list starts on a known given name in lower case: a text with none (most) skips the loop.
    return _list_runs(text) if any(map(_given, filter(str.islower, _LAT.findall(text)))) else []


def _list_runs(text: str) -> list[Entity]:
    tokens = list(_LAT.finditer(text))
    out: list[Entity] = []
    i = 0
    while i < len(tokens):
        first = tokens[i].group()
        if not first.islower():
            i += 1
            continue
        if first in _HONORIFICS:
            i += 2  # the honorific and the name it starts
            continue
        if not _given(first):
            i += 1
            continue
        run, joins, j = [tokens[i]], [], i + 1
        while j < len(tokens):
            gap, word = text[tokens[j - 1].end() : tokens[j].start()], tokens[j].group()
            if (gap != " " and gap not in _JOIN_LATIN) or not word.islower() or norm(word) in _HONORIFICS:
                break
            if not _given(word):
                break
            if gap == " " and norm(word) in _SECOND:
                run = []  # "fatima zahra": one compound name, read by the other rules
                j += 1
                break
            run.append(tokens[j])
            joins.append(gap)
            j += 1
        plain = [t for t in run if norm(t.group()) not in _EVERYDAY]
        if len(run) >= 3 or (len(run) == 2 and joins[0] != " " and len(plain) == 2):
            out += [Entity(t.start(), t.end(), T.PERSON, LIST_SCORE) for t in run]
        i = j
    return out


def _arabic_lists(text: str) -> list[Entity]:
    """Names joined by "و" ("رضا و طه و معاذ", "اطو و موحا"), each a known given name, none everyday."""
    out: list[Entity] = []
    for m in _AR_RUN.finditer(text):
        words_at = [(w.start(), w.end()) for w in _AR.finditer(text, m.start(), m.end())]
        parts = [text[a:b] for a, b in words_at]
        if any(p == "و" for p in parts):
            continue
        if all(
            p not in _AR_EVERYDAY and "g" in (f := _gazetteer(p, "ar")) and "town" not in f for p in parts
        ):
            out += [Entity(a, b, T.PERSON, LIST_SCORE) for a, b in words_at]
    return out


def _after_roles(text: str) -> list[Entity]:
    out: list[Entity] = []
    for m in _ROLE.finditer(text):
        tokens = list(_LAT.finditer(text, m.end(), min(len(text), m.end() + 48)))
        if not tokens or not tokens[0].group().islower():
            continue
        first = tokens[0].group()
        particle = norm(first) in _PARTICLE_WORDS and len(tokens) > 1
        if not (particle and (_name_word(tokens[1].group()) or norm(first) in ("el", "al"))) and not (
            _name_word(first) and norm(first) not in _EVERYDAY
        ):
            continue
        end = tokens[1 if particle else 0].end()
        k = 2 if particle else 1
        while k < len(tokens) and text[tokens[k - 1].end() : tokens[k].start()] == " ":
            low = norm(tokens[k].group())
            if low in _PARTICLE_WORDS and k + 1 < len(tokens) and _name_word(tokens[k + 1].group()):
                end, k = tokens[k + 1].end(), k + 2
            elif "f" in _latin_flags(tokens[k].group()) and low not in _NOT_A_NAME:
                end, k = tokens[k].end(), k + 1
            else:
                break
        out.append(Entity(tokens[0].start(), end, T.PERSON, ROLE_SCORE))
    return out


_ARABIZI_AFTER = re.compile(r" (?:[a-z]*[379][a-z]+|ra|rah|raha|dima|wach|chno|fin|3afak|safi|ghadi)\b")


def _opening_name(text: str) -> list[Entity]:
    m = _LAT.match(text)
    if m is None or not m.group().islower() or norm(m.group()) in _EVERYDAY or not _given(m.group()):
        return []
    family = _LAT.match(text, m.end() + 1) if text[m.end() : m.end() + 1] == " " else None
    if family is not None and family.group().islower() and _FAMILY_SHAPE.match(family.group()):
        return [Entity(m.start(), family.end(), T.PERSON, ROLE_SCORE)]  # "nawal benhayoun katsnak…"
    if _ARABIZI_AFTER.match(text, m.end()) is None:
        return []
    return [Entity(m.start(), m.end(), T.PERSON, ROLE_SCORE)]


# Round 10: a chat log's speaker label ("anas: wsselt?? / omar: ah ana f gare", "Ihssane: ach gal lik"):
# a known given name at a message's start, right before a colon.
_SPEAKER = re.compile(r"(?:^|\n| / |\| )([A-Za-z][a-z]{2,14}):(?= )")


def _speakers(text: str) -> list[Entity]:
    out = []
    for m in _SPEAKER.finditer(text):
        word = m.group(1)
        if norm(word) not in _NOT_A_NAME and norm(word) not in _ROLES and _given(word):
            out.append(Entity(m.start(1), m.end(1), T.PERSON, ROLE_SCORE))
    return out


def find_chat_names(text: str) -> list[Entity]:
    """The readings above; spans may overlap the other rules', the caller resolves them."""
    out = (
        _latin_lists(text)
        + _after_roles(text)
        + _opening_name(text)
        + (_speakers(text) if ":" in text else [])
    )
    if _AR_JOIN in text and _AR.search(text):  # every run holds " و ": most texts skip its scan
        out += _arabic_lists(text)
    return out
