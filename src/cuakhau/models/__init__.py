"""All tables, one module each; importing this package registers them all."""

from cuakhau.models.api_token import ApiToken
from cuakhau.models.audit_entry import AuditEntry
from cuakhau.models.base import Base
from cuakhau.models.capacity import (
    CapacityOverride,
    CapacityPattern,
    CrossingWindow,
    WindowsMade,
)
from cuakhau.models.counterpart import Counterpart, CounterpartMessage
from cuakhau.models.crossing import CargoLine, Crossing, CrossingMove, QueueEstimate, WindowChange
from cuakhau.models.driver import Driver
from cuakhau.models.enterprise import Enterprise
from cuakhau.models.fee import Fee, Receipt, ReceiptCounter, Tariff
from cuakhau.models.forecast import ForecastRun, ForecastWarning, QueueForecast, QueueObservation
from cuakhau.models.gate import Gate
from cuakhau.models.idempotency import IdempotencyKey
from cuakhau.models.investment import Amendment, AmendmentInvestor, InvestmentProject, Investor
from cuakhau.models.login_throttle import LoginThrottle
from cuakhau.models.notification import DeliveryAttempt, Notification
from cuakhau.models.plate_read import PlateAlert, PlateRead
from cuakhau.models.policy import BookingPolicy, PriorityClass
from cuakhau.models.standing import NoShowStanding
from cuakhau.models.statistics import (
    FeeDay,
    TradeDay,
    TradeEnterpriseMonth,
    TradeMonth,
    VehicleDay,
    VehicleEnterpriseMonth,
    VehicleMonth,
)
from cuakhau.models.trade_history import FeeHistory, HistoryImport, TradeHistory
from cuakhau.models.trailer import TrailerStay, TransferShift
from cuakhau.models.transload import (
    BayHour,
    StevedoreHour,
    StevedoreShift,
    Transload,
    TransloadBay,
)
from cuakhau.models.user import User
from cuakhau.models.vehicle import Vehicle
from cuakhau.models.yard import Yard, YardSpace
from cuakhau.models.yard_visit import YardVisit
from cuakhau.models.zone import Zone

__all__ = [
    "Amendment",
    "AmendmentInvestor",
    "ApiToken",
    "AuditEntry",
    "Base",
    "BayHour",
    "BookingPolicy",
    "CapacityOverride",
    "CapacityPattern",
    "CargoLine",
    "Counterpart",
    "CounterpartMessage",
    "Crossing",
    "CrossingMove",
    "CrossingWindow",
    "DeliveryAttempt",
    "Driver",
    "Enterprise",
    "Fee",
    "FeeDay",
    "FeeHistory",
    "ForecastRun",
    "ForecastWarning",
    "Gate",
    "HistoryImport",
    "IdempotencyKey",
    "InvestmentProject",
    "Investor",
    "LoginThrottle",
    "NoShowStanding",
    "Notification",
    "PlateAlert",
    "PlateRead",
    "PriorityClass",
    "QueueEstimate",
    "QueueForecast",
    "QueueObservation",
    "Receipt",
    "ReceiptCounter",
    "StevedoreHour",
    "StevedoreShift",
    "Tariff",
    "TradeDay",
    "TradeEnterpriseMonth",
    "TradeHistory",
    "TradeMonth",
    "TrailerStay",
    "TransferShift",
    "Transload",
    "TransloadBay",
    "User",
    "Vehicle",
    "VehicleDay",
    "VehicleEnterpriseMonth",
    "VehicleMonth",
    "WindowChange",
    "WindowsMade",
    "Yard",
    "YardSpace",
    "YardVisit",
    "Zone",
]
