"""Each council member is told personally (``account:<username>``, the account its founding record
names): the scheduled session, the opened vote and the result reach its own inbox beside its office's,
and its e-mail when its subscription has an address; nobody else reads them."""
from __future__ import annotations

import uuid

from services.notifications.domain import channels, routing, templates
from services.notifications.service import consume
from tests.notifications.conftest import envelope

MEMBERS = ["hdtd-chu-tich", "hdtd-uy-vien-1", "hdtd-uy-vien-2"]
SESSION = dict(session_id=str(uuid.uuid4()), council_id=str(uuid.uuid4()), organiser="BNV", year=2026,
               title="Phiên họp xét khen thưởng năm 2026", held_on="2027-01-05", place="Phòng họp số 1",
               members_total=3, present_members=0, quorum_needed=2, nominees=4, ballots=0, members=MEMBERS)


def test_the_routing_names_each_member_by_its_account():
    e = envelope(routing.COUNCIL_SESSION_SCHEDULED, SESSION)
    assert routing.recipients_for(e) == ["ministry", *(f"account:{m}" for m in MEMBERS)]
    e = envelope(routing.COUNCIL_SESSION_OPENED, {**SESSION, "organiser": "UBND-22"})
    assert routing.recipients_for(e) == ["staff:UBND-22", *(f"account:{m}" for m in MEMBERS)]
    # The close only tells the office (the result follows); the result tells the members and the provinces.
    assert routing.recipients_for(envelope(routing.COUNCIL_SESSION_CLOSED, SESSION)) == ["ministry"]
    result = envelope(routing.COUNCIL_RESULT, {**SESSION, "provinces": ["22"], "members": ["hdtd-chu-tich", " "]})
    assert routing.recipients_for(result) == ["ministry", "account:hdtd-chu-tich", "province:22"]
    assert routing.parse_recipient("account:hdtd-chu-tich") == ("account", "hdtd-chu-tich")


def test_a_member_is_addressed_as_a_member():
    e = envelope(routing.COUNCIL_SESSION_SCHEDULED, SESSION)
    member = templates.render(e, recipient="account:hdtd-uy-vien-1")
    office = templates.render(e, recipient="ministry")
    assert "Đồng chí là thành viên Hội đồng" in member.action and "05/01/2027" in member.body
    assert "Phòng họp số 1" in member.body and member.action != office.action
    opened = templates.render(envelope(routing.COUNCIL_SESSION_OPENED, SESSION), recipient="account:x", language="en")
    assert opened.action == "Cast your secret ballot on your phone (once checked in)"


def test_a_members_channels_are_its_own_inbox_and_its_subscriptions_email():
    sub = channels.Subscription(subject="hdtd-uy-vien-1", address="ministry", language="en",
                                channels=[{"type": "email", "address": "uv1@moha.gov.vn"},
                                          {"type": "webhook", "url": "https://hooks.example.vn/x", "secret": "s" * 16}])
    targets = channels.targets_for("account:hdtd-uy-vien-1", [sub], routing.COUNCIL_SESSION_OPENED)
    assert [(t.kind, t.target, t.language) for t in targets] == [("inbox", None, "en"),
                                                                 ("email", "uv1@moha.gov.vn", "en")]
    # Another account's subscription is not this member's; no subscription: the inbox, in Vietnamese.
    assert [(t.kind, t.language) for t in channels.targets_for("account:hdtd-chu-tich", [sub], "x")] == [("inbox", "vi")]
    # A subscription that does not want the event keeps the inbox only.
    narrow = channels.Subscription(subject="hdtd-uy-vien-1", address="ministry", events=["nominations.round.opened"],
                                   channels=[{"type": "email", "address": "uv1@moha.gov.vn"}])
    assert [t.kind for t in channels.targets_for("account:hdtd-uy-vien-1", [narrow], routing.COUNCIL_RESULT)] == ["inbox"]


async def test_each_member_reads_its_own_notice_and_gets_its_email(db, notifications, issue_token):
    await db.execute("""INSERT INTO notifications.subscriptions (subject, address, channels)
                        VALUES ('hdtd-uy-vien-1', 'ministry', $1)""",
                     [{"type": "inbox"}, {"type": "email", "address": "uv1@moha.gov.vn"}])
    scheduled = envelope(routing.COUNCIL_SESSION_SCHEDULED, SESSION, aggregate_id=SESSION["session_id"])
    async with db.transaction():
        handled = await consume.handle_event(db, scheduled)
    rows = await db.fetch("SELECT recipient, action FROM notifications.notifications WHERE event_id = $1 "
                          "ORDER BY recipient", uuid.UUID(scheduled["id"]))
    assert [r["recipient"] for r in rows] == [*(f"account:{m}" for m in sorted(MEMBERS)), "ministry"]
    mails = await db.fetch("SELECT recipient, target, subscriber FROM notifications.deliveries WHERE event_id = $1",
                           uuid.UUID(scheduled["id"]))
    # The member's own e-mail for its personal notice, and (its subscription applies to the ministry's
    # address too) the office's copy: two deliveries, both committed and handed over.
    assert {(m["recipient"], m["target"]) for m in mails} == {("account:hdtd-uy-vien-1", "uv1@moha.gov.vn"),
                                                               ("ministry", "uv1@moha.gov.vn")}
    assert len(handled.deliveries) == 2

    def member(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token('ministry', subject=name)}"}

    r = await notifications.client.get("/v1/inbox", headers=member("hdtd-chu-tich"))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    # Its own notice and its office's; not the other members' personal ones.
    assert len(items) == 2 and r.json()["unread"] == 2
    own = next(i for i in items if i["action"] and "Đồng chí" in i["action"])
    r = await notifications.client.post(f"/v1/inbox/{own['id']}/read", headers=member("hdtd-chu-tich"))
    assert r.status_code == 200 and r.json()["unread"] == 1
    # Another member cannot mark it read; the office's other accounts do not see it.
    r = await notifications.client.post(f"/v1/inbox/{own['id']}/read", headers=member("hdtd-uy-vien-2"))
    assert r.status_code == 404
    r = await notifications.client.get("/v1/inbox", headers=member("ministry"))
    assert [i["action"] for i in r.json()["items"]] == ["Chuẩn bị điểm danh và phiếu bầu của phiên họp"]
