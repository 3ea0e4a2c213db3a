"""The set-up files stay consistent: one list of dependencies, repeated for conda and for Binder."""
import os
import re
import tomllib

from conftest import REPO


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _pyproject_pins() -> set[str]:
    project = _pyproject()
    pins = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        pins |= set(extra)
    return pins


def _binder_requirements() -> list[str]:
    """binder/requirements.txt's lines, comments and blank lines left out."""
    lines = (REPO / "binder" / "requirements.txt").read_text().splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


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


def test_binder_requirements_repeat_pyproject_runtime_pins():
    """Binder gets the runtime dependencies only (no test tools), with pyproject's exact pins; postBuild adds the
    project itself without dependencies, so nothing else is resolved on Binder."""
    runtime, binder = set(_pyproject()["dependencies"]), _binder_requirements()
    assert len(binder) == len(set(binder)), f"repeated in binder/requirements.txt: {binder}"
    assert runtime - set(binder) == set(), f"missing from binder/requirements.txt: {sorted(runtime - set(binder))}"
    assert set(binder) - runtime == set(), f"only in binder/requirements.txt: {sorted(set(binder) - runtime)}"
    post_build = (REPO / "binder" / "postBuild").read_text()
    assert re.search(r"pip install --no-deps .*-e \.", post_build), "postBuild must install the project, --no-deps"


def test_binder_python_matches_the_conda_environment():
    runtime = (REPO / "binder" / "runtime.txt").read_text().strip()
    conda = re.search(r"^\s+- python=([\d.]+)\s*$", (REPO / "environment.yml").read_text(), re.M)
    assert conda and runtime == f"python-{conda.group(1)}", f"binder/runtime.txt says {runtime!r}"
    minimum = re.fullmatch(r">=(\d+)\.(\d+)", _pyproject()["requires-python"])
    assert tuple(map(int, conda.group(1).split("."))) >= tuple(map(int, minimum.groups()))


def test_binder_scripts_are_executable():
    """repo2docker runs binder/postBuild and binder/start as programs (a clone keeps git's executable bit)."""
    for name in ("postBuild", "start"):
        script = REPO / "binder" / name
        assert os.access(script, os.X_OK), f"{script} is not executable: chmod +x it (git keeps the bit)"
        assert script.read_text().startswith("#!/usr/bin/env bash\n"), f"{script} needs its shebang"


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    assert "make test" in readme and "make app" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_the_test_harness_and_benchmarks_stay_out_of_the_wheel():
    import fnmatch

    include = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    assert any(fnmatch.fnmatch("credit_widgets.widgets", pattern) for pattern in include)
    for folder in ("harness", "benchmarks", "tests"):
        assert not any(fnmatch.fnmatch(folder, pattern) for pattern in include), folder


def test_tests_stand_alone_importing_neither_each_other_nor_benchmarks():
    """What starts servers, finds ports and kernels, drives the page, is harness/'s; a test importing a benchmark
    or another test module breaks when either is changed for its own reasons."""
    leaning = re.compile(r"^\s*(from|import)\s+(test_\w+|tests\b|benchmarks\b)", re.M)
    found = {path.name: leaning.findall(path.read_text()) for path in (REPO / "tests").rglob("*.py")}
    assert {name: hits for name, hits in found.items() if hits} == {}
