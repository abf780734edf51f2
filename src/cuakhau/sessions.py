"""The sessions the zone's code works in: core's bare session factory with the
audit recorder installed, so every change to an audited table is recorded in the
same transaction as the change.

The app, the CLI commands, the jobs and the tests take their factory from here.
``core.database.make_session_factory`` on its own records nothing, and no module
but this one may call it (``tests/test_layers.py``).
"""

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from cuakhau.audit.recorder import install_audit_recorder
from cuakhau.core.database import make_session_factory


def audited_session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = make_session_factory(engine)
    install_audit_recorder(factory)
    return factory
