"""The demo seeders, run by ``seed_demo`` in this order (each one idempotent: natural keys,
get_or_create), so that later ones find the places, firms and contracts of earlier ones."""

from demo.seeders.complaints import seed_complaints
from demo.seeders.owner_votes import seed_owner_votes
from demo.seeders.party import seed_party_orgs
from demo.seeders.places import seed_hierarchy, seed_patrols_and_sites
from demo.seeders.properties import seed_properties

SEEDERS = (
    seed_hierarchy,
    seed_patrols_and_sites,
    seed_properties,
    seed_owner_votes,
    seed_complaints,
    seed_party_orgs,
)
