"""Token verification against the registry's JWKS: key rotation, withdrawal, a registry away."""
import asyncio

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from shared.auth import TokenIssuer, TokenVerifier, generate_private_key
from shared.errors import Unauthorized, Unavailable
from tests.support import serve


def _issuer() -> TokenIssuer:
    return TokenIssuer(generate_private_key(), issuer="thidua-registry", audience="thidua", ttl_seconds=60)


@pytest.fixture
async def jwks_server():
    state = {"jwks": {"keys": []}, "status": 200, "fetches": 0}
    app = FastAPI()

    @app.get("/.well-known/jwks.json")
    async def jwks():
        state["fetches"] += 1
        return JSONResponse(state["jwks"], status_code=state["status"])

    async with serve(app) as served:
        yield state, f"{served.url}/.well-known/jwks.json"


async def test_rotation_withdrawal_and_a_registry_that_is_away(jwks_server):
    state, url = jwks_server
    old, new = _issuer(), _issuer()
    state["jwks"] = old.jwks()
    verifier = TokenVerifier(jwks_url=url, issuer="thidua-registry", audience="thidua", refresh_interval=60)
    old_token = old.issue(subject="ministry", role="ministry", province=None)[0]
    assert (await verifier.verify(old_token)).role == "ministry"
    assert (await verifier.verify(old_token)).role == "ministry"
    assert state["fetches"] == 1  # cached between refreshes
    verifier.refresh_interval = 0.3  # from here on, refresh often

    # The registry rotates to a new key and withdraws the old one.
    state["jwks"] = new.jwks()
    new_token = new.issue(subject="province-34", role="province", province="34")[0]
    await asyncio.sleep(1.05)  # unknown kids refetch at most once a second
    assert (await verifier.verify(new_token)).province == "34"  # unknown kid: refetched at once
    assert state["fetches"] == 2
    await asyncio.sleep(0.35)
    with pytest.raises(Unauthorized):
        await verifier.verify(old_token)  # withdrawn: refused after the next refresh

    # The registry is away: the cached keys keep working.
    state["status"] = 500
    await asyncio.sleep(0.35)
    assert (await verifier.verify(new_token)).subject == "province-34"


async def test_no_keys_and_no_registry_is_unavailable():
    verifier = TokenVerifier(jwks_url="http://127.0.0.1:9/.well-known/jwks.json", issuer="thidua-registry",
                             audience="thidua")
    token = _issuer().issue(subject="ministry", role="ministry", province=None)[0]
    with pytest.raises(Unavailable):
        await verifier.verify(token)


async def test_wrong_audience_or_issuer_is_refused():
    issuer = _issuer()
    verifier = TokenVerifier(jwks_url=None, issuer="thidua-registry", audience="thidua", static_jwks=issuer.jwks())
    for other in (TokenIssuer(issuer.private_key, issuer="someone-else", audience="thidua", ttl_seconds=60),
                  TokenIssuer(issuer.private_key, issuer="thidua-registry", audience="elsewhere", ttl_seconds=60)):
        with pytest.raises(Unauthorized):
            await verifier.verify(other.issue(subject="ministry", role="ministry", province=None)[0])
