"""The ground floor: configuration, the zone's clock, database, request
dependencies, errors, messages, schemas, rows and security. It imports no feature
module, so a change to a feature never ripples down here (``tests/test_layers.py``)."""
