"""One feature pipeline (`builder`), per-client history summaries (`history`), features summed back to inputs
(`grouping`).

The map of rooms and which way imports run: docs/architecture.md."""
