"""The ASGI application: ``create_app()`` wires settings, database, routers and pages."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from cuakhau import __version__
from cuakhau.accounts.router import auth_router, users_router
from cuakhau.audit.router import router as audit_router
from cuakhau.capacity.router import router as capacity_router
from cuakhau.clearance.router import router as clearance_router
from cuakhau.core.clock import Clock, utcnow
from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine
from cuakhau.core.errors import install_error_handlers
from cuakhau.core.head import HeadAsGet
from cuakhau.core.periodic import every
from cuakhau.core.schema_version import ensure_schema_current
from cuakhau.counterpart.router import router as counterpart_router
from cuakhau.crossings.booking import procedures, sweep_job
from cuakhau.crossings.calls import function_calls
from cuakhau.crossings.policy_router import router as policy_router
from cuakhau.crossings.public import SharedWaitTimes
from cuakhau.crossings.public_router import router as public_router
from cuakhau.crossings.router import router as crossings_router
from cuakhau.dashboard.router import router as dashboard_router
from cuakhau.drivers.router import router as drivers_router
from cuakhau.enterprises.router import router as enterprises_router
from cuakhau.fees.router import router as fees_router
from cuakhau.forecast.service import forecast_job, forecast_plan
from cuakhau.gateops.router import router as gateops_router
from cuakhau.gates.router import router as gates_router
from cuakhau.handovers.router import router as handovers_router
from cuakhau.investment.router import public_router as investment_public_router
from cuakhau.investment.router import router as investment_router
from cuakhau.live.announce import install_announcer
from cuakhau.live.broadcast import Broadcaster
from cuakhau.live.hub import Hub
from cuakhau.live.listener import live_updates
from cuakhau.live.router import router as live_router
from cuakhau.notifications.delivery import delivery_pool
from cuakhau.notifications.router import router as notifications_router
from cuakhau.ops.middleware import PageCompression, RequestContext, SecurityHeaders
from cuakhau.ops.router import router as ops_router
from cuakhau.reads.router import router as reads_router
from cuakhau.sessions import audited_session_factory
from cuakhau.statistics.router import public_router as statistics_public_router
from cuakhau.statistics.router import router as statistics_router
from cuakhau.transload.router import moves as transload_moves_router
from cuakhau.transload.router import router as transload_router
from cuakhau.vehicles.router import router as vehicles_router
from cuakhau.web.pages import install_missing_page
from cuakhau.web.router import router as web_router
from cuakhau.web.vendor import plotly_style_hashes
from cuakhau.yards.router import router as yards_router
from cuakhau.yards.visits_router import router as visits_router

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, clock: Clock = utcnow) -> FastAPI:
    """The app on these settings; ``clock`` tells handlers the moment (``core.deps.Now``)."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Refuse to serve on a schema the code does not match, and fail now
        # rather than at the first request if the secret is missing.
        ensure_schema_current(engine, procedures())
        _ = settings.resolved_secret_key
        with delivery_pool(session_factory, settings, clock) as webhooks:
            async with (
                live_updates(settings.database_url, hub, broadcaster),
                every(
                    settings.webhook_interval_seconds if settings.background_jobs else 0,
                    webhooks.run_pass,
                    "webhook delivery",
                ),
                every(
                    settings.no_show_sweep_seconds if settings.background_jobs else 0,
                    sweep_job(session_factory),
                    "no-show sweep",
                ),
                every(
                    settings.forecast_interval_seconds if settings.background_jobs else 0,
                    forecast_job(session_factory, forecast_plan(settings), clock),
                    "forecast",
                ),
                AsyncExitStack() as postgresql_only,
            ):
                if engine.dialect.name == "postgresql":
                    app.state.calls = await postgresql_only.enter_async_context(
                        function_calls(settings.database_url, settings.database_pool_size)
                    )
                yield
                app.state.calls = None
        engine.dispose()

    # Swagger UI from the installed package, not a CDN: border posts lose their uplink.
    app = FastAPIOffline(
        title="cuakhau",
        version=__version__,
        summary="Digital border gate for a land border-gate economic zone",
        lifespan=lifespan,
        # cuakhau exports no OpenTelemetry; left on, FastAPI asks on every request
        # whether a provider has been configured, 5% of a booking's CPU (py-spy).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.clock = clock
    app.state.engine = engine
    app.state.session_factory = session_factory = audited_session_factory(engine)
    # Queue changes, announced after commit to this process's event streams.
    app.state.hub = hub = Hub()
    app.state.wait_times = SharedWaitTimes(settings.counterpart_silence_seconds)
    hub.on_change(app.state.wait_times.forget)
    broadcaster = Broadcaster()
    app.state.announce = install_announcer(session_factory, hub, broadcaster, engine.dialect.name)
    # The booking API's function calls from the event loop (PostgreSQL only).
    app.state.calls = None
    install_error_handlers(app)
    install_missing_page(app)
    # The last added runs first: the request's id and timing cover everything.
    app.add_middleware(SecurityHeaders, style_hashes=plotly_style_hashes)
    # Outside the security headers: the explorer's policy hashes its page as written.
    app.add_middleware(PageCompression, api_prefix=API_PREFIX + "/")
    # Outside the compression: a HEAD is answered with the headers of the GET as
    # sent, compressed length included.
    app.add_middleware(HeadAsGet)
    app.add_middleware(RequestContext)

    # FastAPI tries a request's path on each route in turn, and on each nesting
    # of routers, a few microseconds each: the API's routers sit on the app
    # itself, and the rush's requests (bookings, camera reads, the public wait
    # times) come first. No route may shadow another (tests/test_routes.py).
    for router in (
        crossings_router,
        handovers_router,
        reads_router,
        public_router,
        auth_router,
        users_router,
        gates_router,
        yards_router,
        enterprises_router,
        vehicles_router,
        drivers_router,
        audit_router,
        fees_router,
        statistics_router,
        notifications_router,
        live_router,
        capacity_router,
        policy_router,
        visits_router,
        clearance_router,
        gateops_router,
        investment_router,
        investment_public_router,
        statistics_public_router,
        dashboard_router,
        counterpart_router,
        transload_router,
        transload_moves_router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(ops_router)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=str(files("cuakhau") / "web" / "static")), "static")
    return app
