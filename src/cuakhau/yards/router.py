from cuakhau.core.registry import Registry
from cuakhau.models import Yard
from cuakhau.models.enums import STAFF_ROLES, Role
from cuakhau.yards.schemas import YardCreate, YardFilters, YardRead, YardUpdate
from cuakhau.yards.service import create_yard, filter_yards, update_yard

yards = Registry(
    model=Yard,
    entity="yard",
    read_schema=YardRead,
    create_schema=YardCreate,
    update_schema=YardUpdate,
    filter_schema=YardFilters,
    apply_filters=filter_yards,
    create=create_yard,
    update=update_yard,
    read_roles=(*STAFF_ROLES, Role.enterprise),
    create_roles=(Role.admin,),
    update_roles=(Role.admin,),
)

router = yards.router("/yards", "yards")
