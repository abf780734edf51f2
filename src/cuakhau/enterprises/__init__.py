"""Enterprises (doanh nghiệp): exporters, importers, logistics firms, yard operators."""
