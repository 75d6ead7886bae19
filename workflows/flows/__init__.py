"""Flows of the cases. Each flow class is listed in ``workflows.registry.FLOW_CLASSES``."""
