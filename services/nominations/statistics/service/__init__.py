"""The statistics context's interface: the yearly statistics forms on emulation and commendation,
computed from the register and the movements (``compute_form`` is what a benchmark times)."""
from __future__ import annotations

from services.nominations.registry_client import Registry
from services.nominations.settings import Settings
from services.nominations.statistics.service.dashboard import dashboard
from services.nominations.statistics.service.forms import (
    Documents,
    cell_records,
    compute_form,
    form_document,
    get_form,
    list_forms,
    negotiate,
)

__all__ = ["Documents", "Registry", "Settings", "cell_records", "compute_form", "dashboard", "form_document",
           "get_form", "list_forms", "negotiate"]
