"""A municipality's own baseline from its KOSTRA counts (skjema 13, "Kommunalt
disponerte boliger"): the fill-in template (:mod:`sim.kostra.template`), the readers of
the template and of SSB's exports (:mod:`sim.kostra.readers`, :mod:`sim.kostra.jsonstat`),
their checks (:mod:`sim.kostra.checks`) and the folder ``sim init`` writes
(:mod:`sim.kostra.build`)."""
