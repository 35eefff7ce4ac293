"""A comparison's design: experiment IDs of the two groups, examples and identity."""
