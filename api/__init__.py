"""The REST API (issue #6): read access to territories, measures and meetings, scoped like the pages."""
