"""Which destinations an address gets for an event, from its accounts' subscriptions (pure)."""
from datetime import datetime, timedelta, timezone

import pytest

from services.notifications.domain.channels import Subscription, Target, channel_key, targets_for

T0 = datetime(2025, 12, 1, tzinfo=timezone.utc)
OPENED = "nominations.round.opened"
CLOSED = "nominations.round.closed"


def sub(subject, channels, *, events=(), language="vi", address="province:22", at=T0):
    return Subscription(subject=subject, address=address, channels=list(channels), events=list(events),
                        language=language, updated_at=at)


def test_no_subscription_means_the_inbox_in_vietnamese():
    other = sub("province-30", [{"type": "email", "address": "x@y.vn"}], address="province:30")
    assert targets_for("province:22", [other], OPENED) == [Target("inbox", "inbox", "vi")]


def test_only_subscriptions_naming_the_event_type_count():
    s = sub("province-22", [{"type": "inbox"}, {"type": "email", "address": "a@b.vn"}], events=[OPENED])
    assert [t.channel for t in targets_for("province:22", [s], OPENED)] == ["inbox", "email:a@b.vn"]
    assert targets_for("province:22", [s], CLOSED) == []  # it chose not to be told


def test_accounts_of_one_address_share_destinations_and_the_latest_wins():
    older = sub("province-22-a", [{"type": "inbox"}, {"type": "webhook", "url": "https://h.vn/x", "secret": "old"}],
                language="vi", at=T0)
    newer = sub("province-22-b", [{"type": "webhook", "url": "https://h.vn/x", "secret": "new"},
                                  {"type": "email", "address": "b@b.vn"}], language="en", at=T0 + timedelta(days=1))
    targets = {t.channel: t for t in targets_for("province:22", [older, newer], OPENED)}
    assert set(targets) == {"inbox", "webhook:https://h.vn/x", "email:b@b.vn"}
    assert targets["webhook:https://h.vn/x"].secret == "new" and targets["webhook:https://h.vn/x"].language == "en"
    assert targets["webhook:https://h.vn/x"].subscriber == "province-22-b"
    assert targets["inbox"].language == "vi" and targets["inbox"].subscriber == "province-22-a"
    assert targets["email:b@b.vn"].target == "b@b.vn"


def test_channel_keys():
    assert channel_key({"type": "inbox"}) == "inbox"
    assert channel_key({"type": "email", "address": "a@b.vn"}) == "email:a@b.vn"
    assert channel_key({"type": "webhook", "url": "https://h.vn/", "secret": "s"}) == "webhook:https://h.vn/"
    with pytest.raises(ValueError):
        channel_key({"type": "sms"})
