"""The baseline for the ballot benchmark: a bare FastAPI endpoint doing one asyncpg INSERT."""
from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI, Request
from pydantic import BaseModel


class BallotIn(BaseModel):
    choices: list[str]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=2, max_size=10)
    async with app.state.pool.acquire() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS public.bench_bare_ballots "
                           "(id uuid PRIMARY KEY, round_id uuid NOT NULL, choices text[] NOT NULL)")
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@app.post("/rounds/{round_id}/ballots", status_code=201)
@app.post("/v1/rounds/{round_id}/ballots", status_code=201)
async def cast(round_id: uuid.UUID, body: BallotIn, request: Request) -> dict:
    ballot_id = uuid.uuid4()
    async with request.app.state.pool.acquire() as conn:
        await conn.execute("INSERT INTO public.bench_bare_ballots (id, round_id, choices) VALUES ($1, $2, $3)",
                           ballot_id, round_id, body.choices)
    return {"id": str(ballot_id)}
