"""Issue 19, round 3: Darija, Tifinagh, ICE and speed. Sentences written for this test, not taken from a
labelled set."""

from __future__ import annotations

from pathlib import Path

from siyada.privacy.markup import load_markup


def test_an_underscored_language_tag_is_read_off_the_text(tmp_path: Path) -> None:
    """The wild sets tag Darija in Latin script `ary_latn|`: the tag is the language, not the text's start
    (left in, it shifted every offset and put "ary_latn" before the first word the model read)."""
    path = tmp_path / "set.txt"
    path.write_text("ary_latn| salam ⟦PERSON:hamza⟧\nary-latn| ⟦PERSON:driss⟧ ja\n", encoding="utf-8")
    docs = load_markup(path)
    assert [d["lang"] for d in docs] == ["ary-latn", "ary-latn"]
    assert [d["text"] for d in docs] == ["salam hamza", "driss ja"]
    assert docs[0]["entities"] == [{"start": 6, "end": 11, "type": "PERSON"}]
