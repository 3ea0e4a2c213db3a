"""What a decision is and the rules it obeys with no model behind them (`rules`), what a person typed checked
(`validate`), one applicant of a batch (`applicant`).

The map of rooms and which way imports run: docs/architecture.md."""
