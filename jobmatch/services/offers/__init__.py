"""Matching rounds, job offers and their answers, hiring and the learned scoring model."""
