"""The benchmark's CPU profile of a ballot (bench.profiled): each sampled stack counts for the part
of the request its innermost named frame belongs to, library frames for the part that called them."""
from bench.profiled import EVENT_LOOP, HTTP, MIDDLEWARE, ROUTING, part_of

BOTTOM = ["asyncio.runners.run", "uvicorn.server.Server.serve", "uvicorn.main"]
REQUEST = ["services.nominations.voting.api.rounds.cast_ballot", "shared.app.FastPathRoute.get_route_handler.<locals>.handler",
           "starlette.routing.Router.__call__", "shared.app.RequestContextMiddleware.__call__",
           "uvicorn.protocols.http.httptools_impl.RequestResponseCycle.run_asgi"]


def test_library_frames_count_for_the_part_that_called_them():
    seal = ["json.encoder.JSONEncoder.iterencode", "json.dumps",
            "shared.sealed_idempotency.SealedKey.seal",
            "services.nominations.voting.service.cast_ballot", *REQUEST]
    assert part_of(seal) == "Idempotency-Key seal"
    token = ["jwt.algorithms.OKPAlgorithm.verify", "jwt.api_jws.PyJWS.decode_complete", "shared.auth.TokenVerifier.verify",
             "shared.auth._BearerPrincipal.__call__", *REQUEST]
    assert part_of(token) == "token check"
    contract = ["pydantic.main.BaseModel.model_validate", "shared.events.outbox_payload",
                "services.nominations.voting.service.cast_ballot", *REQUEST]
    assert part_of(contract) == "event contract check"
    driver = ["asyncpg.connection.Connection._do_execute", "services.nominations.voting.store.ballots.cast_online",
              "services.nominations.voting.service.cast_ballot", *REQUEST]
    assert part_of(driver) == "PostgreSQL client (asyncpg, pool)"


def test_the_router_the_middleware_and_the_server_are_told_apart_and_the_bare_loop_is_the_event_loop():
    assert part_of(["pydantic.main.BaseModel.model_validate", *REQUEST]) == ROUTING
    assert part_of(["prometheus_client.metrics.MetricWrapperBase.labels", *REQUEST[3:]]) == MIDDLEWARE
    assert part_of(["logging.Logger.info", *REQUEST[3:]]) == MIDDLEWARE
    assert part_of(REQUEST[4:]) == HTTP
    assert part_of(["asyncio.tasks._ensure_future", *BOTTOM]) == EVENT_LOOP


def test_an_in_process_relay_takes_the_whole_sample_and_the_profiler_none():
    relay = ["asyncpg.connection.Connection.fetch", "shared.events.OutboxRelay._publish_one_batch", *BOTTOM]
    assert part_of(relay) == "outbox relay (in the API process)"
    assert part_of(["bench.profiled.Sampler.on_signal", *REQUEST]) is None
