"""explore.ipynb run headless with its shipped parameters (only the data folder and the sample changed): run time and
the figures a reviewer reads, from the notebook's own variables.

    .venv/bin/python -m benchmarks.explore                                              # bundled data, SAMPLE 8000
    .venv/bin/python -m benchmarks.explore --data ../shared/data/homecredit-real-joined --sample 0 --name real-joined

Runs in a scratch folder (its MLflow store too); writes benchmarks/results/explore-NAME.json.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
# appended as a last cell: the figures, as the notebook computed them
_COLLECT = """
import json as _json
_figures = {"winner": winner_name, "test_clients": int(len(y_test)), "test_defaults": int(y_test.sum()),
            **{f"{m}": [float(pack.loc[m, c]) for c in ("estimate", "low", "high")] for m in pack.index},
            "top_decile_lift": float(gains.iloc[0]["lift"]), "threshold": float(threshold),
            "fairness": {g: [str(v) for v in fairness.verdict(t, g)[1]] for g, t in checks.items()},
            "versus_champion": {k: v for k, v in (versus or {}).items()}, "champion": champion_source}
print("FIGURES " + _json.dumps(_figures, default=float))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--sample", type=int, default=8000, help="0: every client")
    parser.add_argument("--name", default="bundled")
    args = parser.parse_args(argv)
    notebook = nbformat.read(ROOT / "explore.ipynb", as_version=4)
    tagged = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])][0]
    tagged.source += f"\nDATA_DIR = {str(args.data.resolve())!r}\nSAMPLE = {args.sample or None!r}"
    notebook.cells.append(nbformat.v4.new_code_cell(_COLLECT))
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        NotebookClient(notebook, timeout=None, kernel_name="python3", resources={"metadata": {"path": work}}).execute()
        seconds = time.perf_counter() - started
    text = "".join(o.get("text", "") for o in notebook.cells[-1].get("outputs", []))
    figures = json.loads(text.split("FIGURES ", 1)[1])
    result = {"data": str(args.data), "sample": args.sample or None, "seconds": round(seconds, 1),
              "cpus": os.cpu_count(), "load_average": os.getloadavg()[0], **figures}
    out = ROOT / "benchmarks" / "results" / f"explore-{args.name}.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
