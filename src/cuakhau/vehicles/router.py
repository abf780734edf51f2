from cuakhau.vehicles.service import vehicles

router = vehicles.router("/vehicles", "vehicles")
