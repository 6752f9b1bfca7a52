"""HTTP routers for the notifications service (thin: parse, open the transaction, call the service)."""
