"""What a page raises to show one of the console's own pages instead of its own (handled in app.py).
A module of its own so that the API client (api.py) and the pages (web.py) can both raise them."""
from __future__ import annotations


class SignInRequired(Exception):
    def __init__(self, next_path: str, reason: str = "signin.required"):
        self.next_path = next_path
        self.reason = reason


class PageForbidden(Exception):
    """The 403 page."""


class PageNotFound(Exception):
    """The 404 page."""


class CsrfRefused(Exception):
    """A form without the session's CSRF token: refused with the 403 'form expired' page."""
