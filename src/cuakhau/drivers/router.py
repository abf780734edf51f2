from cuakhau.core.registry import Registry
from cuakhau.drivers.schemas import DriverCreate, DriverFilters, DriverRead, DriverUpdate
from cuakhau.drivers.service import create_driver, filter_drivers, update_driver
from cuakhau.models import Driver
from cuakhau.models.enums import STAFF_ROLES, Role

drivers = Registry(
    model=Driver,
    entity="driver",
    read_schema=DriverRead,
    create_schema=DriverCreate,
    update_schema=DriverUpdate,
    filter_schema=DriverFilters,
    apply_filters=filter_drivers,
    create=create_driver,
    update=update_driver,
    read_roles=(*STAFF_ROLES, Role.enterprise),
    create_roles=(Role.admin, Role.enterprise),
    update_roles=(Role.admin, Role.enterprise),
    lifecycle_roles=(Role.admin, Role.enterprise),
    enterprise_column=Driver.enterprise_id,
)

router = drivers.router("/drivers", "drivers")
