"""The latency figures' HTTP client (bench.load.LeanHttp): on one keep-alive connection it must read
exactly what httpx reads, whether the answer has a Content-Length or comes in chunks, so that a
figure timed by it is the same request's answer."""
from __future__ import annotations

import asyncio

from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse, Response, StreamingResponse

from bench.load import LeanHttp, Request, _python
from tests.support import serve


def app() -> FastAPI:
    api = FastAPI()

    @api.get("/items")
    async def items(q: str = "", authorization: str = Header("")) -> JSONResponse:
        return JSONResponse({"q": q, "who": authorization, "items": ["Hà Nội", "Gia Lai"] * 300})

    @api.get("/chunks")
    async def chunks() -> StreamingResponse:
        async def parts():  # type: ignore[no-untyped-def]
            for n in range(40):
                yield f"dòng {n};".encode() * 50

        return StreamingResponse(parts(), media_type="text/plain")

    @api.post("/ballots")
    async def ballot(body: dict) -> Response:  # type: ignore[type-arg]
        if body["choice"] == "none":
            return Response(status_code=204)
        return JSONResponse({"choice": body["choice"]}, status_code=201)

    @api.get("/nothing")
    async def nothing() -> Response:
        return Response(status_code=204)

    @api.get("/missing")
    async def missing() -> JSONResponse:
        return JSONResponse({"detail": "không có"}, status_code=404)

    return api


async def test_lean_client_reads_what_httpx_reads_on_one_connection() -> None:
    async with serve(app()) as served:
        lean = LeanHttp(served.url)
        try:
            seconds, answer = await lean.get("/items", {"q": "dân vận khéo"}, headers={"Authorization": "Bearer x"})
            expected = await served.client.get("/items", params={"q": "dân vận khéo"},
                                               headers={"Authorization": "Bearer x"})
            assert seconds > 0 and answer.status == 200 and answer.content == expected.content
            assert answer.json()["q"] == "dân vận khéo" and answer.json()["who"] == "Bearer x"
            first = lean.writer
            seconds, answer = await lean.get("/chunks")
            assert answer.headers["transfer-encoding"] == "chunked"
            assert answer.content == (await served.client.get("/chunks")).content
            assert answer.content.decode().count("dòng 39;") == 50
            seconds, answer = await lean.get("/nothing")
            assert answer.status == 204 and answer.content == b""
            seconds, answer = await lean.get("/missing")
            assert answer.status == 404 and answer.json() == {"detail": "không có"}
            assert lean.writer is first  # three answers, one connection
        finally:
            await lean.close()


async def test_the_fallback_load_generator_reads_each_answer_on_its_connection() -> None:
    """Without wrk, Python processes replay the requests (bench.load._python), each connection reading
    its answers with the same client: every answer counted once, by its status."""
    async with serve(app()) as served:
        requests = [Request("/ballots", {"Authorization": "Bearer x"}, f'{{"choice": "{c}"}}')
                    for c in ["22", "31", "none", "33"] * 4]
        result = await asyncio.to_thread(_python, served.url, requests, connections=4, expect_status=201)
    assert result["statuses"] == {"201": 12, "204": 4} and (result["ok"], result["failures"]) == (12, 4)
