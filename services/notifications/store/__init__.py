"""SQL for the ``notifications`` schema, one module per aggregate (asyncpg, schema-qualified names)."""
