"""The service docs carry the routing table the code uses."""
from pathlib import Path

from services.notifications.domain.routing import ROUTING, ROUTING_TABLE_MARKDOWN

README = Path(__file__).resolve().parents[2] / "services/notifications/README.md"


def test_readme_routing_table_is_the_one_in_the_code():
    text = README.read_text(encoding="utf-8")
    start = text.index("-->\n", text.index("<!-- routing-table:")) + len("-->\n")
    end = text.index("<!-- /routing-table -->")
    assert text[start:end] == ROUTING_TABLE_MARKDOWN, (
        "regenerate the table from services.notifications.domain.routing.ROUTING_TABLE_MARKDOWN")
    assert all(f"`{event_type}`" in text for event_type in ROUTING)
