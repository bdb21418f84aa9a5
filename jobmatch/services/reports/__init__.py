"""The county's monthly report and the employment-rate trend."""
