"""Attrition laws: Lanchester family rates, closed forms and Hughes' salvo model."""
