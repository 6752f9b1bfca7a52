"""What every outbound HTTP client shares: one TLS context per process.

httpx builds a new ``ssl.SSLContext`` for each client unless it is given one, loading the whole CA
bundle each time (25-35 ms of CPU here): more than the request the client is made for when it is
short-lived (a JWKS refresh, a webhook attempt), and a cost on every service's start. An
``SSLContext`` is meant to be shared by many connections; its verification settings are httpx's
defaults (certifi's CA bundle, hostnames checked)."""
from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
