"""The web console: server-rendered pages in Vietnamese over the registry, nominations and
notifications APIs, called with the signed-in user's own token."""
