"""The analyst dashboard: server-rendered pages over the same data functions as the JSON API."""
