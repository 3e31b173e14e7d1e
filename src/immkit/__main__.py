"""Entry point for `python -m immkit`."""

from immkit.cli.main import main

if __name__ == "__main__":
    main()
