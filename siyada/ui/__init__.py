"""The web app: server-rendered pages with a little JavaScript, served by the Siyada server itself."""
