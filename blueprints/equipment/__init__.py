"""Equipment: the catalogue with its norms, checks at hospitals, gaps, how long they last, trends."""
