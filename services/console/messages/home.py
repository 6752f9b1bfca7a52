"""The home page and a member province's to-do list."""
from __future__ import annotations

VI: dict[str, str] = {
    "home.title": "Thi đua giữa các tỉnh, thành phố",
    "home.lead": "Tra cứu các tỉnh, thành phố theo thời gian (cả trước và sau sắp xếp năm 2025), các cụm, khối thi đua, thành viên và trưởng, phó cụm qua các năm.",
    "tasks.title": "Việc cần làm",
    "tasks.lead": "Những việc đơn vị cần thực hiện ({name}).",
    "tasks.votes": "Bỏ phiếu đang mở",
    "tasks.vote_rules": "{seats} suất, chọn tối đa {max}",
    "tasks.closes": "kết thúc lúc {at}",
    "tasks.voted": "Đã bỏ phiếu",
    "tasks.vote_now": "Bỏ phiếu",
    "tasks.no_votes": "Hiện không có đợt bỏ phiếu nào đang mở cho đơn vị.",
    "tasks.sheets": "Bảng tự chấm điểm",
    "tasks.sheet_of": "{cluster} năm {year}",
    "tasks.fill_sheet": "Chấm điểm",
    "tasks.no_sheets": "Chưa có giao ước thi đua nào được ban hành cho đơn vị.",
    "tasks.unread": "Thông báo chưa đọc: {count}",
    "tasks.open_inbox": "Mở hộp thông báo",
    "tasks.leading": "Cụm do đơn vị làm trưởng cụm",
    "tasks.open_workspace": "Mở không gian làm việc",
}

EN: dict[str, str] = {
    "home.title": "Emulation among the provinces",
    "home.lead": "Look up the provinces over time (before and after the 2025 reorganisation), the emulation clusters, their members and their leads across the years.",
    "tasks.title": "To do",
    "tasks.lead": "What your unit has to do ({name}).",
    "tasks.votes": "Open votes",
    "tasks.vote_rules": "{seats} seat, choose up to {max}||{seats} seats, choose up to {max}",
    "tasks.closes": "closes at {at}",
    "tasks.voted": "Voted",
    "tasks.vote_now": "Vote",
    "tasks.no_votes": "No vote is open to your unit.",
    "tasks.sheets": "Self-assessment sheets",
    "tasks.sheet_of": "{cluster}, {year}",
    "tasks.fill_sheet": "Fill in",
    "tasks.no_sheets": "No covenant has been published for your unit yet.",
    "tasks.unread": "Unread notifications: {count}",
    "tasks.open_inbox": "Open the inbox",
    "tasks.leading": "Clusters your unit leads",
    "tasks.open_workspace": "Open the workspace",
}
