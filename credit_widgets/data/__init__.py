"""What every Home Credit column means (`schema`), reading the tables (`tables`), the synthetic generator (`synth`).

The map of rooms and which way imports run: docs/architecture.md."""
