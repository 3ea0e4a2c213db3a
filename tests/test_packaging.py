"""The set-up files stay consistent: one list of dependencies, repeated for conda."""
import re
import tomllib

from conftest import REPO


def _pyproject_pins() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        pins |= set(extra)
    return pins


def _conda_pip_pins() -> set[str]:
    text = (REPO / "environment.yml").read_text()
    return {m.group(1) for m in re.finditer(r"^\s+- ([A-Za-z0-9_.\-]+==[^\s#]+)", text, re.M)}


def test_every_dependency_is_pinned_exactly():
    loose = [p for p in _pyproject_pins() if "==" not in p]
    assert not loose, f"unpinned dependencies: {loose}"


def test_environment_yml_repeats_pyproject_pins():
    pyproject, conda = _pyproject_pins(), _conda_pip_pins()
    assert pyproject - conda == set(), f"missing from environment.yml: {sorted(pyproject - conda)}"
    assert conda - pyproject == set(), f"only in environment.yml: {sorted(conda - pyproject)}"


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    assert "make test" in readme and "make app" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text()
