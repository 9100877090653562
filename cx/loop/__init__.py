"""Closed loop: alert rules → tickets → handling and SLA escalation → verification of improvement actions."""
