"""The movements' HTTP routers (thin: parse, open the transaction, call the service)."""
