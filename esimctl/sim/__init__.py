"""A simulated eUICC that behaves like a real card, for users without hardware and for CI."""
