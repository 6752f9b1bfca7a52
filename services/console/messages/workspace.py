"""The lead's workspace: its cluster-years and one cluster-year's overview."""
from __future__ import annotations

VI: dict[str, str] = {
    "lead.title": "Công việc trưởng cụm",
    "lead.intro": "Các cụm, năm mà đơn vị bạn làm trưởng cụm: giao ước thi đua, chấm điểm, bỏ phiếu.",
    "lead.none": "Đơn vị bạn không làm trưởng cụm năm nào.",
    "lead.members_count": "{count} thành viên",
    "lead.tabs": "Các mục của cụm",
    "lead.tab.overview": "Tổng quan",
    "lead.tab.covenant": "Giao ước thi đua",
    "lead.tab.sheets": "Bảng chấm điểm",
    "lead.tab.new_round": "Tạo cuộc bỏ phiếu",
    "lead.tab.ranking": "Xếp hạng",
    "lead.rounds": "Các cuộc bỏ phiếu",
    "lead.rounds.none": "Chưa có cuộc bỏ phiếu nào.",
}

EN: dict[str, str] = {
    "lead.title": "Cluster lead's workspace",
    "lead.intro": "The cluster-years your province leads: the emulation covenant, the score sheets, the votes.",
    "lead.none": "Your province leads no cluster in any year.",
    "lead.members_count": "{count} member||{count} members",
    "lead.tabs": "Sections of the cluster-year",
    "lead.tab.overview": "Overview",
    "lead.tab.covenant": "Covenant",
    "lead.tab.sheets": "Score sheets",
    "lead.tab.new_round": "New vote round",
    "lead.tab.ranking": "Ranking",
    "lead.rounds": "Vote rounds",
    "lead.rounds.none": "No vote round yet.",
}
