"""Every subsidy amount, computed once: welfare-post pay (rule 2), the hiring subsidy and start-up
support (rule 7, seeds 001 and 003), and the monthly subsidy list that finance pays from."""
