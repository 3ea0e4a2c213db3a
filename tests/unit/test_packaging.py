"""The set-up files stay consistent: one lock (requirements.lock), the files for conda and Binder written from it."""
import os
import re
import tomllib

from packaging.requirements import Requirement

from conftest import REPO
from tools import lockfiles


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _requirements(extra: str | None = None) -> list[str]:
    """pyproject's requirements of the core (extra None) or of one extra, the project's own extras left out."""
    project = _pyproject()
    listed = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [r for r in listed if not r.startswith("credit-widgets")]


def _lock() -> dict[str, str]:
    return lockfiles.pins((REPO / "requirements.lock").read_text())


def test_every_requirement_of_every_door_is_locked_within_its_range():
    """requirements.lock (uv pip compile of pyproject.toml, every extra) holds a version for each requirement,
    inside the range pyproject gives: an install with `-c requirements.lock` gets the tested set."""
    lock = _lock()
    extras = [None, *_pyproject()["optional-dependencies"]]
    for extra in extras:
        for requirement in map(Requirement, _requirements(extra)):
            name = lockfiles.normalise(requirement.name)
            assert name in lock, f"{name} ({extra or 'core'}) is not in requirements.lock: run `make lock`"
            assert requirement.specifier.contains(lock[name], prereleases=True), \
                f"requirements.lock pins {name}=={lock[name]}, outside {requirement} ({extra or 'core'})"


def test_the_files_written_from_the_lock_agree_with_it():
    """environment.yml is the lock's pins exactly; binder/requirements.txt a subset at the lock's versions."""
    assert lockfiles.problems() == []
    conda = lockfiles.pins((REPO / "environment.yml").read_text())
    assert conda == _lock()


def test_binder_installs_the_page_door_only():
    """Binder gets the core and [page] (no training or test tools); postBuild adds the project itself without
    dependencies, so nothing else is resolved on Binder."""
    binder = lockfiles.pins((REPO / "binder" / "requirements.txt").read_text())
    for requirement in map(Requirement, _requirements() + _requirements("page")):
        assert lockfiles.normalise(requirement.name) in binder, requirement
    for heavy in ("scikit-learn", "mlflow", "matplotlib", "shap", "pytest", "pyspark"):
        assert heavy not in binder, heavy
    post_build = (REPO / "binder" / "postBuild").read_text()
    assert re.search(r"pip install --no-deps .*-e \.", post_build), "postBuild must install the project, --no-deps"


def test_the_lock_check_finds_a_drifted_pin(tmp_path, monkeypatch):
    lock = (REPO / "requirements.lock").read_text()
    monkeypatch.setattr(lockfiles, "LOCK", tmp_path / "requirements.lock")
    (tmp_path / "requirements.lock").write_text(lock.replace("numpy==", "numpy==0.0.1+", 1))
    found = lockfiles.problems()
    assert any("environment.yml" in p for p in found) and any("numpy" in p for p in found)


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
    for folder in ("harness", "benchmarks", "tests", "tools"):
        assert not any(fnmatch.fnmatch(folder, pattern) for pattern in include), folder


def test_tests_stand_alone_importing_neither_each_other_nor_benchmarks():
    """What starts servers, finds ports and kernels, drives the page, is harness/'s; a test importing a benchmark
    or another test module breaks when either is changed for its own reasons."""
    leaning = re.compile(r"^\s*(from|import)\s+(test_\w+|tests\b|benchmarks\b)", re.M)
    found = {path.name: leaning.findall(path.read_text()) for path in (REPO / "tests").rglob("*.py")}
    assert {name: hits for name, hits in found.items() if hits} == {}
