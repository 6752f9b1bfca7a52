"""Routers of the councils context."""
