"""Building e-mails and webhook bodies, and classifying SMTP failures (no network)."""
import json
import random
import smtplib
from email import message_from_bytes, policy

from services.notifications.domain import templates
from services.notifications.senders import build_email, classify_smtp_error, webhook_body

LEADERSHIP = {"type": "registry.leadership.rotated", "payload": {
    "cluster_code": "NOIVU-BAC", "cluster_name": "Cụm thi đua Sở Nội vụ các tỉnh, thành phố phía Bắc", "year": 2023,
    "method": "election", "lead": {"code": "34", "name": "Thái Bình"}, "deputy": {"code": "33", "name": "Hưng Yên"},
    "members": [{"code": "34", "name": "Thái Bình"}, {"code": "33", "name": "Hưng Yên"}]}}


def _subjects() -> list[str]:
    rendered = [templates.render(LEADERSHIP, language=lang, recipient=r).subject
                for lang in ("vi", "en") for r in ("ministry", "province:34")]
    rng = random.Random(7)
    words = "Cụm thi đua Sở Nội vụ các tỉnh thành phố phía Bắc lead deputy – (NOIVU-BAC) 2025 Hưng Yên".split()
    return rendered + [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))) for _ in range(200)]


def test_email_round_trips_vietnamese_exactly_and_is_7bit_on_the_wire():
    body = templates.render(LEADERSHIP, language="vi", recipient="province:34").body
    for subject in _subjects():
        raw = build_email(sender="Thi đua Bộ Nội vụ <thidua@noreply.moha.gov.vn>", to="vanthu@sở.vn",
                          subject=subject, body=body, delivery_id="d-1",
                          event_type="registry.leadership.rotated").as_bytes()
        assert raw.isascii() and max(len(line) for line in raw.splitlines()) <= 78
        parsed = message_from_bytes(raw, policy=policy.default)
        assert parsed["Subject"] == subject
        assert parsed.get_content() == body
        assert parsed["From"].addresses[0].display_name == "Thi đua Bộ Nội vụ"
        assert parsed["To"] == "vanthu@" + "sở.vn".encode("idna").decode() and parsed["X-Thidua-Delivery"] == "d-1"


def test_smtp_failures_are_classified():
    assert classify_smtp_error(smtplib.SMTPRecipientsRefused({"a@b.vn": (550, b"no such user")})) == "permanent"
    assert classify_smtp_error(smtplib.SMTPRecipientsRefused({"a@b.vn": (451, b"try later")})) == "retry"
    assert classify_smtp_error(smtplib.SMTPDataError(554, b"rejected")) == "permanent"
    assert classify_smtp_error(smtplib.SMTPDataError(421, b"busy")) == "retry"
    assert classify_smtp_error(smtplib.SMTPAuthenticationError(535, b"bad credentials")) == "retry"
    assert classify_smtp_error(smtplib.SMTPServerDisconnected("gone")) == "retry"
    assert classify_smtp_error(ConnectionRefusedError()) == "retry"


def test_webhook_body_carries_the_event_and_the_rendered_message():
    message = {"subject": "Chủ đề", "body": "Nội dung", "action": None, "language": "vi",
               "event": {"id": "e-1", "type": "registry.leadership.rotated"}}
    body = webhook_body(delivery_id="d-1", recipient="province:34", message=message)
    assert "Chủ đề".encode() in body  # UTF-8, not \\u escapes
    assert json.loads(body) == {"delivery_id": "d-1", "recipient": "province:34", "event": message["event"],
                                "message": {"subject": "Chủ đề", "body": "Nội dung", "action": None, "language": "vi"}}


def test_the_dev_mail_sink_keeps_each_message_and_prints_a_line(tmp_path):
    import io

    from aiosmtpd.controller import Controller

    from services.notifications.smtp_sink import MailboxHandler
    from tests.notifications.conftest import free_port

    out = io.StringIO()
    controller = Controller(MailboxHandler(tmp_path, out=out), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        msg = build_email(sender="Thi đua <thidua@noreply.moha.gov.vn>", to="a@b.vn", subject="Nhắc bỏ phiếu",
                          body="Bỏ phiếu trước 17:00 20/12/2025", delivery_id="d-9", event_type="x")
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=5) as smtp:
            smtp.send_message(msg)
    finally:
        controller.stop()
    [saved] = list(tmp_path.glob("*.eml"))
    assert message_from_bytes(saved.read_bytes(), policy=policy.default).get_content() == "Bỏ phiếu trước 17:00 20/12/2025"
    assert "a@b.vn" in out.getvalue() and "Nhắc bỏ phiếu" in out.getvalue()
    # Readable without a mail client: the recipient in the file name, a decoded text copy beside it.
    assert "a_at_b.vn" in saved.name
    text = saved.with_suffix(".txt").read_text(encoding="utf-8")
    assert "Subject: Nhắc bỏ phiếu" in text and "Bỏ phiếu trước 17:00 20/12/2025" in text
    assert "=?utf-8?" not in text and "base64" not in text
