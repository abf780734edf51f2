from cuakhau.enterprises.service import enterprises

router = enterprises.router("/enterprises", "enterprises")
