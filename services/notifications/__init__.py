"""Notifications service: inbox, email, signed webhooks and vote reminders, fed by other services' events."""
