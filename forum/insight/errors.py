class InvalidImprovementMove(Exception):
    """A move the improvement pipeline does not allow (e.g. 提出 → 已落实)."""
