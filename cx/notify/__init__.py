"""Notifications: who is told (recipients), the transactional outbox, and the delivery channels."""
