"""The web app, the JSON API and the MCP server: faces over one Assistant, with no domain logic of their own."""
