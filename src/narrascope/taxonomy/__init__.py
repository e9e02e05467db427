"""Label taxonomies shipped as data files (roles, narratives, techniques) and their loaders."""
