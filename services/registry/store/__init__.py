"""SQL for the registry schema, one module per aggregate."""
