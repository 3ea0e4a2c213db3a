"""The notebooks run headless, as Voilà runs them, without an error output."""
import nbformat
from nbclient import NotebookClient

from conftest import REPO


def test_app_notebook_executes_without_error():
    notebook = nbformat.read(REPO / "app.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
