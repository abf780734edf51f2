from cuakhau.drivers.service import drivers

router = drivers.router("/drivers", "drivers")
