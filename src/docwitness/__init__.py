"""docwitness: collect copies of a document, keep the evidence, collate them.

The library's front door is :mod:`docwitness.pipeline`; the command line in
:mod:`docwitness.cli` is a thin client of it.
"""

__version__ = "0.1.0"
TOOL_NAME = "docwitness"
