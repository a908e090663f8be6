"""Scheduled jobs: checks that turn a snapshot into effects, the outbox sender, and the runner."""
