"""Model backends behind one narrow interface: the embedded models and OpenAI-compatible upstreams."""
