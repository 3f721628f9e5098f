"""A claim's :class:`Verdict`: shown in a notebook, collected into ``notebooks/claims.md``."""

import dataclasses

#: The output a verdict adds to a notebook cell, which ``notebooks/claims.py`` reads back
#: from the stored notebooks.
MIME_TYPE = "application/vnd.kzoo.claim+json"


class ClaimNotSupported(AssertionError):
    """The measured verdict is not the one a notebook's text states."""


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The verdict on one claim, with the number that decides it.

    Attributes:
        claim_id: str. The claim's id (``"ACT-01"``).
        verdict: str. ``"confirmed"``, ``"refuted"``, ``"inconclusive"`` or ``"depends"``.
        number: str. The measured numbers, mean ± std over seeds.
        seeds: int. The seeds behind each number (0 for a calculation).
        detail: str. How the rule decided.
    """

    claim_id: str
    verdict: str
    number: str
    seeds: int
    detail: str

    def expect(self, *verdicts):
        """Raises :class:`ClaimNotSupported` unless the verdict is one of ``verdicts``.

        A notebook states its conclusion in prose; this line makes the notebook fail
        (and so the test suite) when a change in kzoo or in the data moves the number
        away from it. Returns the verdict, so a cell can end with it.
        """
        if not verdicts:
            raise ValueError("expect needs at least one verdict")
        if self.verdict not in verdicts:
            raise ClaimNotSupported(f"{self.claim_id}: measured {self.verdict} ({self.number};"
                                    f" {self.detail}), expected {' or '.join(verdicts)}")
        return self

    def as_dict(self):
        return dataclasses.asdict(self)

    def __str__(self):
        seeds = f", {self.seeds} seeds" if self.seeds else ""
        return f"{self.claim_id}: {self.verdict.upper()}. {self.number}{seeds} ({self.detail})"

    def _repr_markdown_(self):
        seeds = f", {self.seeds} seeds" if self.seeds else ""
        return f"**{self.claim_id}: {self.verdict}.** {self.number}{seeds} ({self.detail})"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": str(self), "text/markdown": self._repr_markdown_(),
                MIME_TYPE: self.as_dict()}
