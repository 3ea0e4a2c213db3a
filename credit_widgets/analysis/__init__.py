"""The data scientist's experiments (`experiments`), the validation pack (`validation`), fairness (`fairness`), drift
(`drift`).

The map of rooms and which way imports run: docs/architecture.md."""
