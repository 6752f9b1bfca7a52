"""The statistics context's interface: the yearly statistics forms on emulation and commendation,
computed from the register and the movements (``compute_form`` is what a benchmark times)."""
from __future__ import annotations

from services.nominations.settings import Settings
from services.nominations.statistics.service.forms import (
    Documents,
    cell_records,
    compute_form,
    form_document,
    get_form,
    list_forms,
    negotiate,
)

__all__ = ["Documents", "Settings", "cell_records", "compute_form", "form_document", "get_form", "list_forms",
           "negotiate"]
