"""The HTTP API: a FastAPI app with one router per resource and OpenAI wire schemas."""
