from cuakhau.core.registry import Registry
from cuakhau.enterprises.schemas import (
    EnterpriseCreate,
    EnterpriseFilters,
    EnterpriseRead,
    EnterpriseUpdate,
)
from cuakhau.enterprises.service import create_enterprise, filter_enterprises, update_enterprise
from cuakhau.models import Enterprise
from cuakhau.models.enums import STAFF_ROLES, Role

enterprises = Registry(
    model=Enterprise,
    entity="enterprise",
    read_schema=EnterpriseRead,
    create_schema=EnterpriseCreate,
    update_schema=EnterpriseUpdate,
    filter_schema=EnterpriseFilters,
    apply_filters=filter_enterprises,
    create=create_enterprise,
    update=update_enterprise,
    read_roles=(*STAFF_ROLES, Role.enterprise),
    create_roles=(Role.admin,),
    update_roles=(Role.admin, Role.enterprise),
    enterprise_column=Enterprise.id,
)

router = enterprises.router("/enterprises", "enterprises")
