"""The comparison engine: one witness against the reference.

:mod:`~docwitness.compare.align` aligns canonical paragraphs,
:mod:`~docwitness.compare.engine` diffs each aligned pair character by character
and classifies what it sees into findings. Nothing here reads the store or a
catalogue: it takes two :class:`~docwitness.model.Document` values and returns
a :class:`~docwitness.model.WitnessReport`.
"""
