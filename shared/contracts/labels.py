"""What people read for the shared vocabulary's codes: the awards and the states of a vote round,
in Vietnamese and English (one table each, for every service and the console).

Keyed by the plain code: a ``str`` enum member (``Award.government_flag``) looks its label up too.
"""
from __future__ import annotations

from shared.contracts.common import Award, RoundState

LANGUAGES: tuple[str, ...] = ("vi", "en")

AWARD_LABELS: dict[str, dict[str, str]] = {
    Award.government_flag.value: {"vi": "Cờ thi đua của Chính phủ", "en": "Government emulation flag"},
    Award.ministry_flag.value: {"vi": "Cờ thi đua của Bộ Nội vụ", "en": "Ministry emulation flag"},
    Award.certificate_of_merit.value: {"vi": "Bằng khen", "en": "Certificate of merit"},
}

#: A round's state as a badge or a list shows it (the minutes, a document, say it in full sentences).
ROUND_STATE_LABELS: dict[str, dict[str, str]] = {
    RoundState.draft.value: {"vi": "Bản nháp", "en": "Draft"},
    RoundState.open.value: {"vi": "Đang bỏ phiếu", "en": "Voting open"},
    RoundState.closed.value: {"vi": "Đã kết thúc", "en": "Closed"},
    RoundState.runoff_required.value: {"vi": "Cần bầu lại", "en": "Runoff required"},
    RoundState.failed_quorum.value: {"vi": "Không đủ túc số", "en": "Quorum not met"},
    RoundState.certified.value: {"vi": "Đã chứng nhận", "en": "Certified"},
    RoundState.approved.value: {"vi": "Bộ đã phê duyệt", "en": "Approved by the ministry"},
    RoundState.returned.value: {"vi": "Bộ trả lại", "en": "Returned by the ministry"},
}
