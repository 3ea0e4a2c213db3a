"""Measures taken in a fresh Python process (nothing imported or cached by an earlier measure): the child prints one
`RESULT {json}` line, the parent reads it back."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "RESULT "


def report(result: dict) -> None:
    """In the child: hand the measure to the parent."""
    print(PREFIX + json.dumps(result), flush=True)


def run(module: str, *args: str, echo_stderr: bool = False) -> dict:
    """`python -m module args...` from the repository root; its RESULT, or RuntimeError with its output's tail."""
    done = subprocess.run([sys.executable, "-m", module, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    if echo_stderr:
        sys.stderr.write(done.stderr[-3000:])
    lines = [line for line in done.stdout.splitlines() if line.startswith(PREFIX)]
    if done.returncode or not lines:
        raise RuntimeError(f"{module} {' '.join(map(str, args))} failed:\n{done.stdout[-2000:]}\n"
                           f"{done.stderr[-4000:]}")
    return json.loads(lines[-1][len(PREFIX):])
