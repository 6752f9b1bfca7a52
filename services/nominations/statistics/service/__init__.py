"""The statistics context's interface: the yearly statistics forms on emulation and commendation,
computed from the register and the movements (``compute_form`` is what a benchmark times)."""
from __future__ import annotations

from services.nominations.statistics.service.forms import cell_records, compute_form, get_form, list_forms

__all__ = ["cell_records", "compute_form", "get_form", "list_forms"]
