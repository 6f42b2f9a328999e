"""The gateway: model backends (embedded and upstream), routing with fallbacks, and the egress guard."""
