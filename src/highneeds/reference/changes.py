"""Upper-tier LA reorganisations since 2019, written down once.

No published file in our sources states which abolished LAs became which new ones, nor which
old districts make up each new unitary authority, so we record it here from the structural
changes orders. Everything else (codes, names, regions) is read from the published files, and
the build checks these entries against them (e.g. Cumberland's districts + Westmorland and
Furness's districts = Cumbria in the mid-2021 estimates).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reorganisation:
    """Upper-tier LAs abolished on ``date`` and the LAs that replaced them.

    ``predecessors`` and ``successors`` are DfE 3-digit LA numbers. The successors together
    cover exactly the predecessors' area. ``districts`` gives, for each successor, the GSS codes
    of the pre-reorganisation areas (districts or unitaries) that make it up exactly, so figures
    published on the old geography can be re-based onto the new one.
    """

    date: str  # ISO date the successors came into being
    order: str  # the statutory instrument
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]
    districts: dict[str, tuple[str, ...]]
    #: Which successors took over each predecessor's area, where not all of them did.
    successors_by_predecessor: dict[str, tuple[str, ...]] | None = None

    def successors_of(self, la_code: str) -> tuple[str, ...]:
        """The LAs that now cover the abolished LA ``la_code``."""
        if self.successors_by_predecessor and la_code in self.successors_by_predecessor:
            return self.successors_by_predecessor[la_code]
        return self.successors


REORGANISATIONS: tuple[Reorganisation, ...] = (
    Reorganisation(
        date="2019-04-01",
        order="The Bournemouth, Dorset and Poole (Structural Changes) Order 2018",
        predecessors=("835", "836", "837"),  # Dorset county, Poole, Bournemouth
        successors=("838", "839"),  # Dorset, Bournemouth Christchurch and Poole
        districts={
            # East Dorset, North Dorset, Purbeck, West Dorset, Weymouth and Portland
            "838": ("E07000049", "E07000050", "E07000051", "E07000052", "E07000053"),
            # Bournemouth, Poole, Christchurch
            "839": ("E06000028", "E06000029", "E07000048"),
        },
        # Christchurch left Dorset county for BCP; Bournemouth and Poole went whole into BCP.
        successors_by_predecessor={"835": ("838", "839"), "836": ("839",), "837": ("839",)},
    ),
    Reorganisation(
        date="2021-04-01",
        order="The Northamptonshire (Structural Changes) Order 2020",
        predecessors=("928",),
        successors=("940", "941"),
        districts={
            # Corby, East Northamptonshire, Kettering, Wellingborough
            "940": ("E07000150", "E07000152", "E07000153", "E07000156"),
            # Daventry, Northampton, South Northamptonshire
            "941": ("E07000151", "E07000154", "E07000155"),
        },
    ),
    Reorganisation(
        date="2023-04-01",
        order="The Cumbria (Structural Changes) Order 2022",
        predecessors=("909",),
        successors=("942", "943"),
        districts={
            # Allerdale, Carlisle, Copeland
            "942": ("E07000026", "E07000028", "E07000029"),
            # Barrow-in-Furness, Eden, South Lakeland
            "943": ("E07000027", "E07000030", "E07000031"),
        },
    ),
)


def reorganisation_of(la_code: str) -> Reorganisation | None:
    """The reorganisation that created or abolished ``la_code``, if any."""
    for change in REORGANISATIONS:
        if la_code in change.predecessors or la_code in change.successors:
            return change
    return None
