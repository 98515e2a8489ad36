"""The Party organisation tree: materialised paths, subtree queries, moves, validation,
members and central households, and the counts for the dashboard."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.errors import ApplicationError
from party_orgs import selectors, services
from party_orgs.models import MemberRole, OrgKind, OrgUnitType, PartyOrganization
from properties.models import PropertyFirm, RedPropertyStanding

pytestmark = pytest.mark.django_db


def test_paths_and_subtree(world, tree):
    committee, branch, group = tree["committee"], tree["branch"], tree["group"]
    assert group.path == f"{committee.path}.{branch.path.split('.')[-1]}.{group.pk:08d}"
    assert (committee.depth, branch.depth, group.depth) == (0, 1, 2)
    assert group.community_id == world.communities["A1a-c"].pk
    assert group.grid_id == branch.grid_id  # a building group sits in its branch's grid
    subtree = selectors.organization_subtree(user=world.users["community_staff"], org=branch)
    assert [o.name for o in subtree] == ["第1网格党支部", "1号楼党小组"]


def test_move_rewrites_the_whole_subtree_in_one_update(world, tree):
    committee, branch, group = tree["committee"], tree["branch"], tree["group"]
    other = services.party_org_create(name="第二党总支", kind=OrgKind.GENERAL_BRANCH,
                                       unit_type=OrgUnitType.COMMUNITY, parent=committee)
    services.party_org_move(org=branch, parent=other)
    group.refresh_from_db()
    assert group.path.startswith(f"{other.path}.") and group.depth == 3
    with pytest.raises(ApplicationError):
        services.party_org_move(org=other, parent=group)  # under its own descendant


def test_units_must_lie_in_the_community(world, committees):
    with pytest.raises(ValidationError):
        services.party_org_create(name="x", kind=OrgKind.BRANCH, unit_type=OrgUnitType.GRID,
                                  grid=world.grids["B1a-c-g"], parent=committees["A1a-c"])
    with pytest.raises(ValidationError):
        services.party_org_create(name="y", kind=OrgKind.BRANCH,
                                  unit_type=OrgUnitType.COMPOUND)
    with pytest.raises(ValidationError):
        services.party_org_create(name="z", kind=OrgKind.BRANCH,
                                  unit_type=OrgUnitType.RESIDENT_UNIT,
                                  community=world.communities["A1a-c"])
    assert PartyOrganization.objects.count() == len(committees)


def test_building_outside_the_grid_is_refused(world, tree):
    with pytest.raises(ApplicationError):
        services.party_org_create(name="2号楼党小组", kind=OrgKind.GROUP,
                                  unit_type=OrgUnitType.BUILDING,
                                  building=world.buildings["A1a-c-p-b2"], parent=tree["branch"])


def test_central_household_looks_after_own_community_households(world, tree):
    group = tree["group"]
    member = services.party_member_create(
        organization=group, name="李党员", phone="13900001111", is_central_household=True,
        households=[world.households["A1a-c-p-b1-1"], world.households["A1a-c-p-b1-2"]],
    )
    assert member.households.count() == 2
    with pytest.raises(ApplicationError):
        services.party_member_create(organization=group, name="张党员",
                                     is_central_household=True,
                                     households=[world.households["B1a-c-p-b1-1"]])
    with pytest.raises(ApplicationError):
        services.party_member_create(organization=group, name="赵党员",
                                     households=[world.households["A1a-c-p-b1-1"]])


def test_four_level_counts_and_firm_coverage(world, tree):
    services.party_member_create(organization=tree["branch"], name="书记",
                                 role=MemberRole.SECRETARY)
    services.party_member_create(organization=tree["group"], name="组长",
                                 role=MemberRole.GROUP_LEADER)
    services.party_member_create(organization=tree["group"], name="中心户",
                                 is_central_household=True, model_post="窗口")
    counts = selectors.four_level_counts(organizations=PartyOrganization.objects.all())
    assert counts == {"grid_branch_secretaries": 1, "building_group_leaders": 1,
                      "central_households": 1, "model_posts": 1}
    firms = [
        PropertyFirm.objects.create(name=f"物业{i}", credit_code=f"91610200MA6X0000{i}{i}",
                                    ownership="private",
                                    red_standing=standing, red_standing_year=2025 if standing
                                    else None)
        for i, standing in enumerate([RedPropertyStanding.BENCHMARK, RedPropertyStanding.MODEL,
                                      ""])
    ]
    services.party_org_create(name="物业0党支部", kind=OrgKind.BRANCH,
                              unit_type=OrgUnitType.FIRM, firm=firms[0])
    coverage = selectors.firm_party_coverage(firms=PropertyFirm.objects.all())
    assert coverage == {"firms": 3, "with_party_organisation": 1, "model_firms": 1,
                        "benchmark_firms": 1}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("superuser", {"A1a-c党委", "A1b-c党委", "A2a-c党委", "B1a-c党委", "第1网格党支部",
                       "1号楼党小组"}),
        ("city_official", {"A1a-c党委", "A1b-c党委", "A2a-c党委", "第1网格党支部", "1号楼党小组"}),
        ("district_official", {"A1a-c党委", "A1b-c党委", "第1网格党支部", "1号楼党小组"}),
        ("street_staff", {"A1a-c党委", "第1网格党支部", "1号楼党小组"}),
        ("community_staff", {"A1a-c党委", "第1网格党支部", "1号楼党小组"}),
        ("grid_worker", {"第1网格党支部", "1号楼党小组"}),
        ("nobody", set()),
    ],
)
def test_organisations_are_scoped(client, world, tree, role, expected):
    client.force_login(world.users[role])
    response = client.get("/api/v1/party-organizations/")
    assert {o["name"] for o in response.json().get("results", [])} == expected


def test_admin_moves_a_subtree_and_refuses_a_foreign_household(client, world, tree):
    committee, branch, group = tree["committee"], tree["branch"], tree["group"]
    other = services.party_org_create(name="第二党总支", kind=OrgKind.GENERAL_BRANCH,
                                       unit_type=OrgUnitType.COMMUNITY, parent=committee)
    client.force_login(world.users["superuser"])
    url = reverse("admin:party_orgs_partyorganization_change", args=[branch.pk])
    response = client.post(url, {
        "name": branch.name, "kind": branch.kind, "unit_type": branch.unit_type,
        "parent": other.pk, "community": branch.community_id, "grid": branch.grid_id,
        "unit_name": "", "secretary_name": "", "founded_on": "",
    })
    assert response.status_code == 302
    group.refresh_from_db()
    branch.refresh_from_db()
    assert branch.path.startswith(f"{other.path}.") and group.path.startswith(branch.path)
    response = client.post(reverse("admin:party_orgs_partymember_add"), {
        "organization": group.pk, "name": "越界户", "phone": "", "role": "member",
        "is_central_household": "on", "households": [world.households["B1a-c-p-b1-1"].pk],
        "model_post": "", "public_commitment": "",
    })
    assert response.status_code == 200
    assert "党员中心户只能联系本社区的住户。" in response.content.decode()
