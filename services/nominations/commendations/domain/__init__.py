"""Pure rules of commendations: states and transitions, eligibility and limits, the Government-flag
cap, identities and search text, file sniffing. No I/O."""
