"""Employers: sign-up, approval, company profile, vacancies."""
