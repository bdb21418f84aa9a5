"""The province's view across counties (issue 19): per-site figures kept current, and the overview page's rows."""
