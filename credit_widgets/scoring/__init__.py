"""The scoring service `CreditModel` (`service`): rows read and built (`rows`), scored by the boosters (`scorer`) or
the API (`remote`).

The map of rooms and which way imports run: docs/architecture.md."""
