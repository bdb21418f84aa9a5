"""A person's own data: profile, worker home page, data requests, views of unmasked data."""
