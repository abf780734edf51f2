"""``cuakhau notifications deliver``: webhook delivery as a one-shot command, for
installations that run it from a timer instead of inside the app processes."""

import typer
from rich.console import Console

from cuakhau.core.config import Settings
from cuakhau.core.database import make_engine
from cuakhau.notifications.delivery import deliver_due
from cuakhau.sessions import audited_session_factory

app = typer.Typer(help="Notifications to enterprises (webhook outbox).", no_args_is_help=True)
console = Console()


@app.command()
def deliver() -> None:
    """Send every notification that is due now; failures are scheduled for retry."""
    settings = Settings()
    engine = make_engine(settings.database_url)
    factory = audited_session_factory(engine)
    sent = delivered = 0
    try:
        # Pass after pass until nothing is due: a failed one is scheduled later.
        while True:
            report = deliver_due(
                factory, settings.resolved_secret_key, timeout=settings.webhook_timeout_seconds
            )
            sent += report.sent
            delivered += report.delivered
            if not report.sent:
                break
    finally:
        engine.dispose()
    console.print(f"Sent {sent}, delivered {delivered}, to retry later {sent - delivered}.")
