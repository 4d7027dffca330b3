"""The declarative rule layer: rule definitions loaded from rules/*.yaml and the engine that runs them."""
