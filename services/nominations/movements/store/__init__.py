"""The movements' tables (plain SQL through asyncpg), one module per aggregate."""
