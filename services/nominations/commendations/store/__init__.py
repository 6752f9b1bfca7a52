"""SQL for commendations, one module per aggregate (schema ``nominations``)."""
