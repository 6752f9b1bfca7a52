"""SQL of the conferences context (schema ``nominations``)."""
