"""AI4Arctic ready-to-train scenes: the file format, names, and a lazy validating reader."""
