"""Reasons in words (`reasons`), the client base and where an applicant stands (`population`), what would change the
answer (`recourse`, `levers`).

The map of rooms and which way imports run: docs/architecture.md."""
