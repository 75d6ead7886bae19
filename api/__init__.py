"""The REST API: read access to territories, measures and meetings, scoped like the pages."""
