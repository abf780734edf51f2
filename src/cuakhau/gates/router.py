from cuakhau.core.registry import Registry
from cuakhau.gates.schemas import GateCreate, GateFilters, GateRead, GateUpdate
from cuakhau.gates.service import create_gate, filter_gates, update_gate
from cuakhau.models import Gate
from cuakhau.models.enums import STAFF_ROLES, Role

gates = Registry(
    model=Gate,
    entity="gate",
    read_schema=GateRead,
    create_schema=GateCreate,
    update_schema=GateUpdate,
    filter_schema=GateFilters,
    apply_filters=filter_gates,
    create=create_gate,
    update=update_gate,
    read_roles=(*STAFF_ROLES, Role.enterprise),
    create_roles=(Role.admin,),
    update_roles=(Role.admin,),
)

router = gates.router("/gates", "gates")
