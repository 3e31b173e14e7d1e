"""Placeholder until the CLI lands."""


def main() -> None:
    """Run the immkit command line."""
