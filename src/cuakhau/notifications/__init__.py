"""The outbox of notifications to enterprises, delivered by signed webhooks."""
