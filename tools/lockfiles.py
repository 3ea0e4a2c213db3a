"""The project's pins, from one lock: `requirements.lock` (uv pip compile of pyproject.toml, every extra) and the
files other installers read, written from it (`make lock` runs both steps):

- `binder/requirements.txt`: what repo2docker installs for the page on Binder (the core and `[page]`), a subset of
  the lock with the lock's versions (uv pip compile --extra page, constrained by the lock);
- `environment.yml`: the conda environment of a data scientist, the lock's pins exactly.

    python -m tools.lockfiles            # rewrite environment.yml from requirements.lock
    python -m tools.lockfiles --check    # exit 1 when environment.yml or binder/requirements.txt disagree with it

tests/unit/test_packaging.py runs the check, so the three never drift apart.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements.lock"
BINDER = REPO / "binder" / "requirements.txt"
CONDA = REPO / "environment.yml"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")

CONDA_HEAD = """\
# Conda environment for data scientists: `conda env create -f environment.yml && conda activate credit-widgets`.
# Written from requirements.lock by `make lock` (python -m tools.lockfiles): the very versions the project is tested
# with, every door included; tests/unit/test_packaging.py fails when they drift apart.
name: credit-widgets
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """{package: version} of the `name==version` lines of a requirements-style text."""
    found = {}
    for line in text.splitlines():
        match = PIN.match(line.strip().lstrip("- ").strip())
        if match:
            found[normalise(match.group(1))] = match.group(2)
    return found


def environment_yml(lock_text: str) -> str:
    lines = [f"      - {name}=={version}" for name, version in sorted(pins(lock_text).items())]
    return CONDA_HEAD + "\n".join(lines + ["      - -e ."]) + "\n"


def problems() -> list[str]:
    lock = pins(LOCK.read_text())
    found = []
    if CONDA.read_text() != environment_yml(LOCK.read_text()):
        found.append("environment.yml is not requirements.lock's pins: run `make lock`")
    binder = pins(BINDER.read_text())
    for name, version in sorted(binder.items()):
        if lock.get(name) != version:
            found.append(f"binder/requirements.txt pins {name}=={version}, requirements.lock {lock.get(name)}")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.lockfiles", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        print("\n".join(found) or "the pins agree")
        return 1 if found else 0
    CONDA.write_text(environment_yml(LOCK.read_text()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
