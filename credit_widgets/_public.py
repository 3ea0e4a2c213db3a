"""How a room shows its public face without paying for it: the names its `__init__` lists in `__all__` are imported
from their module on first use (PEP 562), so importing one module of a room (the schema, the rules) never loads the
room's heavier neighbours (pandas readers, XGBoost, MLflow)."""
from __future__ import annotations

from importlib import import_module


def lazy(package: str, homes: dict[str, str]):
    """The module-level `__getattr__` of a room: `homes` maps each public name to the module that defines it."""

    def __getattr__(name: str):
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(f"{package}.{home}"), name)

    return __getattr__
