"""Public-welfare posts (rule 2): ranking, appointment, the monthly roll, orderly exit."""
