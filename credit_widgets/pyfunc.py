"""The pyfunc's home before the package was split by layer (now `credit_widgets.lifecycle.pyfunc`).

MLflow pickles the pyfunc class by its module path: model versions registered before the move name
`credit_widgets.pyfunc.CreditPyfunc`, and this alias keeps them loadable. New models pickle the new path.
"""
from .lifecycle.pyfunc import CreditPyfunc

__all__ = ["CreditPyfunc"]
