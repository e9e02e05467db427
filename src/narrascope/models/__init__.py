"""Model runtimes (ONNX encoder, linear heads) and the self-describing artifact format."""
