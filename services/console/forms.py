"""Forms as typed models: a page declares what its form carries as a pydantic model and reads it with
``await MyForm.read(request)``; no handler picks fields out of ``request.form()`` by hand.

- Text fields are ``str`` (stripped, NFC), empty when absent; a list field (``list[str]``) takes every
  value of a repeated input (checkboxes, a multiple select); a checkbox is ``bool`` ("on" is True).
- ``Year`` is a year between 2000 and 2100 or None; ``Day`` a date typed dd/mm/yyyy or sent by a date
  input as yyyy-mm-dd, or None. What a person typed stays in the model's text fields, so a refused form
  is shown again as it was typed.
- Forms whose fields are named by the data (one score per criterion, one row per criterion) read them
  with ``form.prefixed("score-")``: suffix → value, in the form's order.
- ``idempotency_key`` is the form's ``key`` field (generated when the form was rendered), or None.
"""
from __future__ import annotations

import re
import typing
from datetime import date
from typing import Annotated, Any, Self

from fastapi import Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr

from services.console.i18n import nfc


def parse_day(text: str | None) -> date | None:
    """dd/mm/yyyy as typed, or yyyy-mm-dd as a date input sends it; None when neither."""
    if not text:
        return None
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_year(text: Any) -> int | None:
    text = str(text or "").strip()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


Year = Annotated[int | None, BeforeValidator(parse_year)]
Day = Annotated[date | None, BeforeValidator(lambda v: v if isinstance(v, date) else parse_day(str(v or "")))]
Checkbox = Annotated[bool, BeforeValidator(lambda v: v in ("on", "true", "1", True))]


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list


class Form(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    key: str = ""
    _raw: list[tuple[str, str]] = PrivateAttr(default_factory=list)

    @classmethod
    async def read(cls, request: Request) -> Self:
        data = await request.form()
        raw = [(k, nfc(v)) for k, v in data.multi_items() if isinstance(v, str)]
        values: dict[str, Any] = {}
        for name, info in cls.model_fields.items():
            if _is_list(info.annotation):
                values[name] = [v.strip() for k, v in raw if k == name and v.strip()]
            elif name in data and isinstance(data[name], str):
                values[name] = nfc(str(data[name]))
        form = cls.model_validate(values)
        form._raw = raw
        return form

    @property
    def idempotency_key(self) -> str | None:
        return self.key or None

    def prefixed(self, prefix: str) -> dict[str, str]:
        """The fields named ``prefix + something``, as something → value (stripped)."""
        return {k.removeprefix(prefix): v.strip() for k, v in self._raw if k.startswith(prefix)}

    def typed(self) -> dict[str, str]:
        """What was typed, field by field (to fill the form again)."""
        return {k: v.strip() for k, v in self._raw if k != "csrf_token"}


class KeyForm(Form):
    """A form that carries only its Idempotency-Key (a button that acts)."""
