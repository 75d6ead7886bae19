"""Flows of the cases. Each flow is registered with its case kind (``workflows.cases.registry``)."""
