"""The movements' use cases: keyword-only functions, one module per aggregate, run on the caller's
transaction (the router commits)."""
