"""The audit log as a table (`journal`), the model-risk view's figures (`review`) and sentences (`text`), the shadow
challenger (`shadow`), the demo month (`activity`).

The map of rooms and which way imports run: docs/architecture.md."""
