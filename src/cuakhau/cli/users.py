"""``cuakhau users``: accounts from the command line (the first admin, cameras)."""

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from cuakhau.accounts import service
from cuakhau.accounts.schemas import UserCreate
from cuakhau.cli.common import fail, open_session
from cuakhau.core.config import Settings
from cuakhau.core.identifiers import normalise_identifier
from cuakhau.core.security import new_password
from cuakhau.models import Enterprise, User
from cuakhau.models.enums import Role

app = typer.Typer(
    help="Accounts: create, list, disable, set-password, token.", no_args_is_help=True
)
console = Console(soft_wrap=True)


def _read_password(username: str) -> str:
    """Ask at a terminal; with no terminal (scripts, CI) generate one and print it once."""
    if sys.stdin.isatty():
        return typer.prompt(f"Password for {username}", hide_input=True, confirmation_prompt=True)
    password = new_password()
    console.print(f"Generated password for {username} (shown once): {password}")
    return password


@app.command("create")
def create(
    username: str,
    role: Annotated[Role, typer.Option(help="The account's role.")],
    full_name: Annotated[str, typer.Option(help="Person's or camera's name.")],
    enterprise: Annotated[
        str | None, typer.Option(help="Tax code of the enterprise (enterprise, yard_operator).")
    ] = None,
) -> None:
    """Create an account. People get a password; cameras get an API token."""
    with open_session(Settings()) as session:
        enterprise_id = None
        if enterprise is not None:
            enterprise_id = session.scalar(
                select(Enterprise.id).where(Enterprise.tax_code == normalise_identifier(enterprise))
            )
            if enterprise_id is None:
                fail(f"No enterprise with tax code {enterprise}.")
        password = None if role is Role.camera else _read_password(username)
        try:
            data = UserCreate(
                username=username,
                full_name=full_name,
                role=role,
                enterprise_id=enterprise_id,
                password=password,
            )
        except ValueError as error:
            fail(str(error))
        user = service.create_user(session=session, data=data)
        if role is Role.camera:
            token, _ = service.issue_token(session=session, user=user, label="cli", lifetime=None)
            console.print(f"API token for {username} (shown once): {token}")
    console.print(f"Created {role.value} account {username}.")


@app.command("list")
def list_users() -> None:
    """List accounts."""
    with open_session(Settings()) as session:
        users = list(session.scalars(select(User).order_by(User.id)))
        table = Table()
        for column in ("id", "username", "role", "enterprise", "active", "last login"):
            table.add_column(column)
        for user in users:
            table.add_row(
                str(user.id),
                user.username,
                user.role.value,
                str(user.enterprise_id or ""),
                "yes" if user.is_active else "no",
                user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "",
            )
    console.print(table)


@app.command("disable")
def disable(username: str) -> None:
    """Disable an account and revoke its tokens."""
    with open_session(Settings()) as session:
        user = service.get_user_by_username(session=session, username=username)
        service.set_user_active(session=session, user=user, active=False)
    console.print(f"Disabled {username}; its tokens are revoked.")


@app.command("set-password")
def set_password(username: str) -> None:
    """Set a new password (asked at a terminal, generated otherwise)."""
    with open_session(Settings()) as session:
        user = service.get_user_by_username(session=session, username=username)
        service.set_password(session=session, user=user, password=_read_password(username))
    console.print(f"Password of {username} changed.")


@app.command("token")
def token(
    username: str,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
) -> None:
    """Issue an API token (for a camera or another agency's system)."""
    with open_session(Settings()) as session:
        user = service.get_user_by_username(session=session, username=username)
        value, _ = service.issue_token(session=session, user=user, label=label, lifetime=None)
    console.print(f"API token for {username} (shown once): {value}")
