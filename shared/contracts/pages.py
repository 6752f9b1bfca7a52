"""The one page model every HTTP list answers with."""
from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of a list: ``next`` is the opaque cursor of the following page, null on the last one
    (lists that are never long answer in one page, ``next`` null)."""

    items: list[T]
    next: str | None = Field(description="Pass as `cursor` to read the next page; null on the last page")
