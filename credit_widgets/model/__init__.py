"""The trained model on disk (`artifacts`), fitting it (`fitting`), its card (`card`). No MLflow import here.

The map of rooms and which way imports run: docs/architecture.md."""
