"""SMS: the outbox, delivery through the provider, texts coming in, what a worker's page asks."""
