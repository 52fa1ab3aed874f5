"""Exponents (p, q) of the textbook Lanchester laws in the loss rate k * S**q * T**p
(S the shooter's strength, T the target's); see `two_force.loss_rate`."""

AIMED = (0.0, 1.0)  # square law: losses follow the enemy's numbers only
AREA = (1.0, 1.0)  # linear law: fire into an area hits in proportion to what is in it
LOGARITHMIC = (1.0, 0.0)  # losses follow one's own numbers (accidents, disease, artillery)
