"""``cuakhau notifications deliver``: webhook delivery as a one-shot command, for
installations that run it from a timer instead of inside the app processes."""

import typer
from rich.console import Console

from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine
from cuakhau.notifications.delivery import PassReport, delivery_pool
from cuakhau.sessions import audited_session_factory

app = typer.Typer(help="Notifications to enterprises (webhook outbox).", no_args_is_help=True)
console = Console()


@app.command()
def deliver() -> None:
    """Send every notification that is due now; failures are scheduled for retry."""
    settings = Settings()
    engine = make_engine(settings.database_url)
    factory = audited_session_factory(engine)
    total = PassReport(0, 0)
    try:
        # Pass after pass until nothing is due: a failed endpoint is put off.
        with delivery_pool(factory, settings) as pool:
            while (report := pool.deliver_due()).sent:
                total += report
    finally:
        engine.dispose()
    console.print(
        f"Sent {total.sent}, delivered {total.delivered}, "
        f"to retry later {total.sent - total.delivered}."
    )
