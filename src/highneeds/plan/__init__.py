"""An LA's plan: its inputs resolved in one stated order, then forecast, costs, DSG path and
scenarios (:mod:`highneeds.plan.inputs`, :mod:`highneeds.plan.run`)."""
