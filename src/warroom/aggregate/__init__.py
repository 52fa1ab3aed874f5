"""Aggregate battles: force strengths advanced by an attrition law and a solver."""
