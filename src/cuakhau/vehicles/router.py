from cuakhau.core.registry import Registry
from cuakhau.models import Vehicle
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.vehicles.schemas import VehicleCreate, VehicleFilters, VehicleRead, VehicleUpdate
from cuakhau.vehicles.service import create_vehicle, filter_vehicles, update_vehicle

vehicles = Registry(
    model=Vehicle,
    entity="vehicle",
    read_schema=VehicleRead,
    create_schema=VehicleCreate,
    update_schema=VehicleUpdate,
    filter_schema=VehicleFilters,
    apply_filters=filter_vehicles,
    create=create_vehicle,
    update=update_vehicle,
    read_roles=(*STAFF_ROLES, Role.enterprise),
    create_roles=(Role.admin, Role.enterprise),
    update_roles=(Role.admin, Role.enterprise),
    lifecycle_roles=(Role.admin, Role.enterprise),
    enterprise_column=Vehicle.enterprise_id,
)

router = vehicles.router("/vehicles", "vehicles")
