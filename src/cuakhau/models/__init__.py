"""All tables, one module each; importing this package registers them all."""

from cuakhau.models.api_token import ApiToken
from cuakhau.models.audit_entry import AuditEntry
from cuakhau.models.base import Base
from cuakhau.models.driver import Driver
from cuakhau.models.enterprise import Enterprise
from cuakhau.models.gate import Gate
from cuakhau.models.login_throttle import LoginThrottle
from cuakhau.models.user import User
from cuakhau.models.vehicle import Vehicle
from cuakhau.models.yard import Yard, YardSpace
from cuakhau.models.zone import Zone

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "Driver",
    "Enterprise",
    "Gate",
    "LoginThrottle",
    "User",
    "Vehicle",
    "Yard",
    "YardSpace",
    "Zone",
]
