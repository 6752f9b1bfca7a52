"""HTTP routers for the registry (thin: parse, open the transaction, call the service)."""
