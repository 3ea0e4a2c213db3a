"""The model's life outside the page: training tracked in MLflow (`train`), the registry (`governance`), the MLflow
pyfunc (`pyfunc`), batch scoring (`batch`), Spark (`spark`).

The map of rooms and which way imports run: docs/architecture.md."""
