"""Settings: packaged defaults, user file, environment and dotted overrides."""

from narrascope.config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
