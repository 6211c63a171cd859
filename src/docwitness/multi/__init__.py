"""All witnesses at once: one variant table, which copy derives from which, the text to cite.

Built on the collation (:mod:`docwitness.collate`): each witness is compared with
the reference as ever, and the places where any of them differs are merged where
they overlap into one table (:mod:`.table`), so the cost stays that of the
pairwise comparisons. :mod:`.lineage` reads shared unlikely readings off the
table; :mod:`.cite` chooses, place by place, the reading of the most copies that
do not derive from one another.
"""

from __future__ import annotations
