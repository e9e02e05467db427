"""Build steps for narrascope's models (need the ``train`` extra: torch, onnx, ...; never imported at run time)."""
