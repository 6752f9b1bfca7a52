"""Casting a ballot has a fast path for well-formed requests (shared.app.FastPathRoute): every request must
get the answer FastAPI's own handler gives. Here the same requests go to the service with the fast
path and to a second instance of it without (a dependency override turns it off), on one database."""
from __future__ import annotations

import uuid


def _comparable(resp) -> tuple[int, object, str | None]:
    body = resp.json() if resp.content else None
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k not in ("request_id", "instance")}
    return resp.status_code, body, resp.headers.get("idempotent-replayed")


def test_the_fast_path_is_registered_for_the_routes_dependencies():
    from services.nominations.voting.api import rounds
    from shared.app import _fast_paths

    [route] = [r for r in rounds.router.routes if getattr(r, "endpoint", None) is rounds.cast_ballot]
    _, dependencies = _fast_paths[rounds.cast_ballot]
    assert tuple(d.call for d in route.dependant.dependencies) == dependencies


async def test_every_request_gets_the_answer_of_the_generic_handler(vote, generic):
    rid = (await vote.opened(award="ministry_flag", seats=2))["id"]
    fast = vote.nominations.client

    def headers(voter: str | None = "33", key: str | None = None, **extra: str) -> dict[str, str]:
        h = vote.province(voter) if voter else {}
        if key is not None:
            h["Idempotency-Key"] = key
        return {**h, **extra}

    path = f"/v1/rounds/{rid}/ballots"
    malformed = [
        (path, {"headers": headers(), "content": b'{"choices": ["22"]'}),  # invalid JSON
        (path, {"headers": headers(), "content": b""}),  # no body
        (path, {"headers": headers(), "json": {"choices": ["22"], "extra": 1}}),  # unknown field
        (path, {"headers": headers(), "json": {"choices": "22"}}),  # wrong type
        (path, {"headers": headers(), "json": {"choices": ["2"]}}),  # not a province code
        (path, {"headers": {**headers(), "content-type": "text/plain"}, "content": b'{"choices": ["22"]}'}),
        (path, {"headers": headers(key="k" * 201), "json": {"choices": ["22"]}}),  # key too long
        (path, {"headers": headers(key="short"), "json": {"choices": ["22"]}}),  # weak key (the service's 422)
        (path, {"headers": headers(voter=None), "json": {"choices": ["22"]}}),  # no token
        (path, {"headers": {**headers(voter=None), "Authorization": "Basic eDp5"}, "json": {"choices": ["22"]}}),
        (path, {"headers": {**headers(voter=None), "Authorization": "Bearer nonsense"}, "json": {"choices": ["22"]}}),
        (path, {"headers": headers(voter=None), "content": b"{"}),  # no token and a bad body: the token first
        (path, {"headers": headers("30"), "json": {"choices": ["22", "31", "36"]}}),  # more choices than allowed
        (path, {"headers": headers("30"), "json": {"choices": ["30"]}}),  # a vote for itself
        (f"/v1/rounds/{str(uuid.uuid4()).upper()}/ballots", {"headers": headers(), "json": {"choices": ["22"]}}),
        (f"/v1/rounds/{{{uuid.uuid4()}}}/ballots", {"headers": headers(), "json": {"choices": ["22"]}}),
        ("/v1/rounds/not-a-uuid/ballots", {"headers": headers(), "json": {"choices": ["22"]}}),
        ("/v1/rounds/not-a-uuid/ballots", {"headers": headers(), "content": b"{"}),
    ]
    for url, kwargs in malformed:
        a, b = await fast.post(url, **kwargs), await generic.client.post(url, **kwargs)
        assert a.status_code >= 400, (url, kwargs, a.text)
        assert _comparable(a) == _comparable(b), (url, kwargs)

    # Two Idempotency-Key headers (httpx sends both).
    two_keys = [("Authorization", vote.province("33")["Authorization"]), ("Idempotency-Key", str(uuid.uuid4())),
                ("Idempotency-Key", str(uuid.uuid4())), ("Content-Type", "application/json")]
    a = await fast.post(path, headers=two_keys, content=b'{"choices": ["22"]}')
    # Well-formed ballots: cast by each; the receipts differ (fresh secrets) but not their shape.
    key = str(uuid.uuid4())
    cast_fast = await fast.post(path, headers=headers("33", key), json={"choices": ["22"]}) \
        if a.status_code != 201 else a
    cast_generic = await generic.client.post(path, headers=headers("31", str(uuid.uuid4())), json={"choices": ["22"]})
    assert cast_fast.status_code == cast_generic.status_code == 201, (cast_fast.text, cast_generic.text)
    assert cast_fast.json().keys() == cast_generic.json().keys()
    assert cast_fast.headers["content-type"] == cast_generic.headers["content-type"]
    if a.status_code != 201:
        # A retry, on either path: the first receipt again, marked replayed; another body: 422.
        for client in (fast, generic.client):
            again = await client.post(path, headers=headers("33", key), json={"choices": ["22"]})
            assert (again.status_code, again.json(), again.headers["idempotent-replayed"]) == (
                201, cast_fast.json(), "true")
            other = await client.post(path, headers=headers("33", key), json={"choices": ["31"]})
            assert other.status_code == 422
    # Already voted: the same 409 either way.
    a = await fast.post(path, headers=headers("31", str(uuid.uuid4())), json={"choices": ["22"]})
    b = await generic.client.post(path, headers=headers("31", str(uuid.uuid4())), json={"choices": ["22"]})
    assert _comparable(a) == _comparable(b) and a.status_code == 409
