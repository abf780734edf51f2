from cuakhau.gates.service import gates

router = gates.router("/gates", "gates")
