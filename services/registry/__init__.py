"""Registry service: provinces with history, clusters, per-year membership, leadership, accounts."""
