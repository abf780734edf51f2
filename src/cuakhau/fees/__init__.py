"""Fees: the tariff table, pricing a crossing when it completes, numbered receipts."""
