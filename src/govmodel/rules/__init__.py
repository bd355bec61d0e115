"""The rules of govmodel: pure functions over a structure and its cases."""

__all__: list[str] = []
