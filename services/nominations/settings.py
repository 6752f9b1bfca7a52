from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import NOMINATIONS_PORT, WorkerSettings

if TYPE_CHECKING:
    from services.nominations.commendations.domain.rules import Limits


class NominationsSettings(WorkerSettings):
    """Settings of the nominations API and of its Celery worker and beat (env prefix NOMINATIONS_)."""

    model_config = SettingsConfigDict(env_prefix="NOMINATIONS_", extra="ignore")

    service_name: str = "nominations"
    port: int = NOMINATIONS_PORT
    # The notifications service hears every event; the registry records the leadership the
    # conference elected (nominations.leadership.elected) and ignores the others.
    event_consumers: str = "notifications.handle_events@events*100,registry.handle_events@registry*50"
    # Share of the clusters active in a year that may be approved for the Government flag.
    government_flag_cap_share: float = 0.2
    registry_timeout_seconds: float = 5.0
    # A paper ballot's member may dispute it until certification, and certification waits this long
    # after the member's notice left the service (unless the member confirmed the ballot).
    paper_ballot_dispute_window_seconds: float = Field(default=24 * 3600.0, ge=0)

    @property
    def paper_ballot_dispute_window(self) -> timedelta:
        return timedelta(seconds=self.paper_ballot_dispute_window_seconds)

    # Commendations: limits of a proposal (a file's size in bytes), and what a printed decision says.
    commendation_max_nominees: int = 200
    commendation_max_attachments: int = 30
    commendation_max_attachment_bytes: int = 10 * 1024 * 1024
    decision_issuer: str = "BỘ NỘI VỤ"
    decision_authority: str = "BỘ TRƯỞNG BỘ NỘI VỤ"
    decision_place: str = "Hà Nội"
    decision_bases: list[str] = Field(default_factory=lambda: [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        ("Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết "
         "một số điều của Luật Thi đua, khen thưởng;"),
        "Theo đề nghị của Trưởng ban Ban Thi đua - Khen thưởng Trung ương.",
    ])
    decision_recipients: list[str] = Field(default_factory=lambda: ["Như Điều 3;", "Lưu: VT, TĐKT."])
    # TrueType fonts for the PDF of a decision (regular, bold, italic), the first complete set wins:
    # Liberation Serif (Times New Roman's metrics; Debian fonts-liberation), then DejaVu Serif
    # (Debian fonts-dejavu-core). The Dockerfile installs both.
    pdf_fonts: list[tuple[str, str, str]] = Field(default_factory=lambda: [
        ("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
         "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf"),
        ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),  # core has no italic: shown upright
    ])
    register_export_max_rows: int = 50_000
    # The public export: built in at most this many worker processes at once, at most this many
    # downloads per client address and minute, and a query's workbook kept this long (seconds).
    register_export_processes: int = Field(1, ge=1)
    register_export_per_minute: int = Field(10, ge=1)
    register_export_cache_seconds: int = Field(60, ge=1)
    # Only workbooks up to this size are kept (larger ones are streamed from the worker's file).
    register_export_cache_max_bytes: int = Field(4 * 1024 * 1024, ge=0)

    @property
    def larger_bodies(self) -> list[tuple[str, int]]:
        """Routes whose bodies may pass ``max_body_bytes``: a file upload, up to its own limit."""
        return [(r"^/v1/commendations/proposals/[^/]+/attachments$", self.commendation_max_attachment_bytes),
                (r"^/v1/movement-models/[^/]+/files$", self.commendation_max_attachment_bytes),
                (r"^/v1/movements/[^/]+/documents$", self.commendation_max_attachment_bytes)]

    def commendation_limits(self) -> Limits:
        from services.nominations.commendations.domain.rules import Limits

        return Limits(max_nominees=self.commendation_max_nominees,
                      max_attachments=self.commendation_max_attachments,
                      max_attachment_bytes=self.commendation_max_attachment_bytes)


async def get_nominations_settings(request: Request) -> NominationsSettings:
    settings: NominationsSettings = request.app.state.settings
    return settings


Settings = Annotated[NominationsSettings, Depends(get_nominations_settings)]
"""The service's settings, as a route dependency."""
