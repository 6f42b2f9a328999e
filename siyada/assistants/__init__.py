"""Assistants: tenant-owned, versioned configurations (instructions per language, model, collections,
answer mode, retrieval depth, privacy, tools, temperature, greeting) served as the model `assistant/NAME`
(or `assistant/NAME@3`, pinned) through /v1/chat/completions. See docs/assistants.md."""
