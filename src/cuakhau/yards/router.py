from cuakhau.yards.service import yards

router = yards.router("/yards", "yards")
