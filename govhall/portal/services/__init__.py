"""The portal's writes: one verb per state change, keyword-only arguments, an explicit `now`."""
