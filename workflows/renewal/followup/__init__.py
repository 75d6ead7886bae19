"""Follow-up of the commitments of a signed renovation protocol."""
