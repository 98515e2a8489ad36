"""Owners' votes (业主共同决定, Civil Code art. 278): the vote, its ballots, the count."""
