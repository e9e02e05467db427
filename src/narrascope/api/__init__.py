"""The REST API and dashboard server: :func:`create_app`."""

from narrascope.api.app import create_app

__all__ = ["create_app"]
