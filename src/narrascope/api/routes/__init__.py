"""JSON API routes, one module per resource."""
