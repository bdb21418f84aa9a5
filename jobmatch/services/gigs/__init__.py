"""The odd-job market (零工市场): posting gigs, who is free, offering, the station, pay, counting."""
