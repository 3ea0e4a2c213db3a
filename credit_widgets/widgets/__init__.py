"""The loan officer's page, in ipywidgets and bqplot. The only part of the package that imports them."""
from .app import CreditApp

__all__ = ["CreditApp"]
