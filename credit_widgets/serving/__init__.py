"""Who the officer is (`officer`), the capped kernel manager Voilà uses (`kernels`).

The map of rooms and which way imports run: docs/architecture.md."""
