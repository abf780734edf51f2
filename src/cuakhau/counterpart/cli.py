"""``cuakhau counterpart``: add the other side's system at a gate, and play it
from a scenario file against a running server."""

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import select

from cuakhau.cli.common import fail, open_session
from cuakhau.core.clock import local_date, utcnow
from cuakhau.core.config import Settings
from cuakhau.counterpart.client import (
    CounterpartClient,
    CounterpartRefused,
    ScenarioError,
    answers,
    messages,
    read_scenario,
)
from cuakhau.counterpart.feed import MAX_HOURS_AHEAD
from cuakhau.counterpart.service import add_counterpart
from cuakhau.models import Gate

app = typer.Typer(help="The counterpart gate's system (docs/counterpart.md).", no_args_is_help=True)
console = Console()


@app.command("add")
def add(
    gate: Annotated[str, typer.Option(help="Our gate's code, e.g. HUU_NGHI.")],
    name: Annotated[str, typer.Option(help="The other side's system, e.g. 'Youyiguan'.")],
) -> None:
    """Register the other side's system at a gate; prints its key and secret once."""
    settings = Settings()
    with open_session(settings) as session:
        found = session.scalar(select(Gate).where(Gate.code == gate))
        if found is None:
            fail(f"No gate with code {gate!r}; `cuakhau reference` lists the zone's gates.", 2)
        counterpart, secret = add_counterpart(
            session=session,
            gate_id=found.id,
            name=name,
            server_secret=settings.resolved_secret_key,
        )
        key_id = counterpart.key_id
    console.print(f"Key: {key_id}\nSecret (shown once): {secret}")


@app.command("play")
def play(
    scenario: Annotated[Path, typer.Argument(help="A counterpart scenario (YAML).")],
    url: Annotated[str, typer.Option(help="Our server.")] = "http://127.0.0.1:8000",
    key: Annotated[str, typer.Option(envvar="CUAKHAU_COUNTERPART_KEY")] = "",
    secret: Annotated[
        str, typer.Option(envvar="CUAKHAU_COUNTERPART_SECRET", help="Better from the environment.")
    ] = "",
    start: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"], help="The scenario's day 0 (default: today, zone time)."
        ),
    ] = None,
) -> None:
    """Send the scenario's acceptance, one signed message a day, numbered on from
    where the server stands, then its answers about the trucks our feed shows;
    exit 1 with the server's message if it refuses."""
    if not (key and secret):
        fail("Give the counterpart's key and secret (--key, CUAKHAU_COUNTERPART_SECRET).", 2)
    try:
        plan = read_scenario(scenario)
    except ScenarioError as error:
        fail(str(error), 2)
    client = CounterpartClient(url, key, secret)
    first_day = start.date() if start else local_date(utcnow())
    to_send = messages(plan, first_day)
    try:
        sequence = client.next_sequence()
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"{plan.name}: acceptance", total=len(to_send))
            for content in to_send:
                answer = client.send(sequence, content)
                sequence += 1
                progress.advance(task)
        answered = (
            answers(plan.answers, client.expected(hours=MAX_HOURS_AHEAD)) if plan.answers else None
        )
        if answered is not None:
            said = client.send(sequence, answered)
            console.print(
                f"{said['answers_applied']} answers about our trucks applied, "
                f"{len(said['answers_refused'])} refused."
            )
    except CounterpartRefused as error:
        fail(f"The server refused: {error}")
    except OSError as error:
        fail(f"Cannot reach {url}: {error}")
    console.print(
        f"{len(to_send)} messages sent; applied through {answer['applied_through']}, "
        f"{answer['trucks_moved']} trucks moved by the last."
    )
