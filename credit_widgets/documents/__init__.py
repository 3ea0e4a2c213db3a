"""What is handed over: the customer's letter (`letter`), the officer's summary (`summary`), the reason codes
(`reason_codes`).

The map of rooms and which way imports run: docs/architecture.md."""
