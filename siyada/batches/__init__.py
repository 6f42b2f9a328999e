"""OpenAI's files and batches: JSONL files of requests, run in the background through the gateway."""
