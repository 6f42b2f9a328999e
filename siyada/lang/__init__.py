"""The language layer: what the knowledge module needs to search Moroccan text across scripts.

* `normalise` — orthographic folding for Arabic and Latin script (`normalise_arabic`,
  `normalise_latin`, `normalise`);
* `scripts` — script and language identification, per text and per token (`script_of`, `identify`,
  `tag_tokens`), with the marker-word lists of `markers`;
* `arabizi` — Darija transliteration Arabizi ↔ Arabic script (`to_arabic`, `arabic_candidates`,
  `to_latin`);
* `tifinagh` — Tifinagh ↔ Latin, IRCAM (`to_latin`, `to_tifinagh`);
* `stem` — light Arabic and French/English stemmers;
* `keys` — sound keys for cross-script fuzzy matching;
* `analysis` — the BM25 terms the index and the search use (`index_terms`, `query_terms`).

Pure Python: tables, precompiled regexes and caches, no model.
"""
