"""``qledger demo`` — build the demo hospital (placeholder until the demo builder lands)."""


def register(sub) -> None:
    pass
