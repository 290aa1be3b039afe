"""The model's mechanisms, one module each; each module's docstring is its ODD submodel.

==================  =========================================================
module              rules
==================  =========================================================
``production``      capacity, the plan, hiring, equipment
``market``          demand, orders, sales, prices, the festive calendar
``exchange``        supplies and orders passed along ties, returning favours,
                    the trust rule, gossip
``partnerships``    partnerships forming and ending, suppliers, new ties
``money``           income, costs, the household's draw, closure, entry
``learning``        knowledge, practice, uptake, quality, market reach
``ljmp``            the LJMP's costs, aggregation, loans and defaults
``government``      budget, envelopes, cuts, officers, turnover, plans
``random``          the decisions' random numbers
==================  =========================================================

The compiled kernels import nothing from the model: they read and write the
records of :mod:`ovopsim.state`. :class:`ovopsim.model.OVOPModel` calls them in
order each month.
"""
