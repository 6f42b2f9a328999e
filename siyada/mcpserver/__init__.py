"""MCP: Siyada's knowledge for MCP-capable agents (docs/integration.md, "MCP: knowledge for agents")."""
