"""Follow-up of the commitments of a signed renovation protocol (issue #6, point 3)."""
