"""The conferences\x27 pure rules: states, quorum, who may do what."""
