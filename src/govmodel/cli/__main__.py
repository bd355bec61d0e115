"""``python -m govmodel.cli``: the ``govmodel`` command."""

from govmodel.cli import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
