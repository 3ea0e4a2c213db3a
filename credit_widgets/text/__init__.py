"""Language and number formats (`i18n`), the catalogue of every sentence a person reads (`catalogue`).

The map of rooms and which way imports run: docs/architecture.md."""
