"""Variant-effect scorers behind one interface, built by name from a registry."""
