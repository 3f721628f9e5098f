"""A results table a notebook shows as Markdown (no pandas needed)."""


class Table:
    """Rows under a header, shown as a Markdown table in a notebook, as text elsewhere.

    Example:
        >>> kzoo.experiments.Table(["activation", "accuracy"], [["relu", relu], ["tanh", tanh]])
    """

    def __init__(self, header, rows):
        header = [str(h) for h in header]
        rows = [[str(c) for c in row] for row in rows]
        if not header or any(len(row) != len(header) for row in rows):
            raise ValueError(f"every row must have one cell per header column ({len(header)});"
                             f" received rows of lengths {sorted({len(r) for r in rows})}")
        self.header, self.rows = header, rows

    def _repr_markdown_(self):
        lines = ["| " + " | ".join(self.header) + " |", "|" + "---|" * len(self.header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in self.rows])

    def __str__(self):
        return self._repr_markdown_()

    __repr__ = __str__
