"""Governance: tenants, API keys and roles, usage accounting."""
