"""What tests and benchmarks need to run the real thing: free ports, servers (Voilà, the scoring API, PostgreSQL,
nginx), their kernels, a browser driving the page, ten officers at once.

One owner for all of it, so a test never imports a benchmark nor another test, and a benchmark measures exactly the
servers the tests check. Not part of the credit_widgets package (never in its wheel); `make test` lints it.
"""
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"   # screenshots and timings the browser tests leave behind
