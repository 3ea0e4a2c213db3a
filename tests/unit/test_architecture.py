"""The house by layer (docs/architecture.md): rooms with a public face, no room reading another's private names, no
module past 400 lines. Which way imports run is import-linter's (`lint-imports`, contracts in pyproject.toml)."""
import ast
import importlib
from pathlib import Path

from harness import REPO

PACKAGE = REPO / "credit_widgets"
ROOMS = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))


def _room_of(path: Path, package: Path) -> str | None:
    parts = path.relative_to(package).parts
    return parts[0] if len(parts) > 1 else None


def _imported_room(node: ast.ImportFrom, path: Path, package: Path) -> str | None:
    """The room an import reads from (None: the same module's room, the package root or outside the package)."""
    if node.level == 0:
        parts = (node.module or "").split(".")
        return parts[1] if parts[0] == "credit_widgets" and len(parts) > 1 else None
    here = list(path.relative_to(package).parent.parts)
    base = here[: len(here) - (node.level - 1)]
    target = base + ((node.module or "").split(".") if node.module else [])
    return target[0] if target else None


def cross_room_private_uses(path: Path, package: Path = PACKAGE) -> list[str]:
    """`from <another room> import _name`, and `<another room's module>._name`."""
    tree = ast.parse(path.read_text(), str(path))
    own, found, foreign_modules = _room_of(path, package), [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            room = _imported_room(node, path, package)
            if room is None or room == own:
                continue
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"{path.name}:{node.lineno} imports {alias.name} from {room}")
                foreign_modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name) and node.value.id in foreign_modules):
            found.append(f"{path.name}:{node.lineno} reads {node.value.id}.{node.attr}")
    return found


def test_no_room_reads_another_rooms_private_names():
    found = [hit for path in PACKAGE.rglob("*.py") for hit in cross_room_private_uses(path)]
    assert found == []


def test_the_check_finds_a_private_name_read_across_rooms(tmp_path):
    room = tmp_path / "credit_widgets" / "monitor"
    room.mkdir(parents=True)
    bad = room / "bad.py"
    bad.write_text("from ..audit import log as audit\nfrom ..data.tables import _coerce\nx = audit._row_hash\n")
    assert len(cross_room_private_uses(bad, tmp_path / "credit_widgets")) == 2


def test_every_room_has_a_public_face_that_resolves():
    for room in ROOMS:
        module = importlib.import_module(f"credit_widgets.{room}")
        assert module.__doc__ and module.__all__, room
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{room}.{name}"


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(REPO)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def test_the_package_keeps_its_public_face_for_the_data_scientists_code():
    import credit_widgets

    for name in ("CreditModel", "Decision", "Suggestion", "InputError", "DataError", "ScoringModel", "load_tables"):
        assert name in credit_widgets.__all__ and getattr(credit_widgets, name) is not None
    model = credit_widgets.CreditModel
    for method in ("load", "score_client", "score_prospect", "suggest", "rescore", "read_rows", "decide_all",
                   "position", "similar", "prospect_fields"):
        assert callable(getattr(model, method)), method
