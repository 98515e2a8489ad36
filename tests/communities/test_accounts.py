"""Accounts run by the district (issue 15, item 2): officials create, change and switch off
the accounts of their own subtree; one-time passwords; forgotten passwords by texted code."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from communities import accounts
from communities.models import AuditAction, AuditEvent, StaffAssignment, StaffRole
from core import sms
from core.errors import ApplicationError
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Tongchuan-Anju-2026!"


@pytest.fixture(autouse=True)
def _texts_kept(settings):
    settings.STAFF_SMS_BACKEND = "core.sms.MemorySms"
    sms.sent.clear()
    cache.clear()
    yield
    sms.sent.clear()
    cache.clear()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def create_page(client, world, *, unit, role=StaffRole.COMMUNITY_STAFF, username="c_new"):
    return client.post("/staff/accounts/new/", {
        "username": username, "full_name": "王社工", "phone": "13912345678",
        "role": role, "unit": unit, "title": "社工",
    })


def one_time_password(response) -> str:
    match = re.search(r'id="one-time-password">([^<]+)<', response.content.decode())
    assert match, response.content.decode()[:2000]
    return match.group(1)


def make_account(world, *, username="c_new", community="A1a-c"):
    result = accounts.account_create(
        actor=world.users["district_official"], username=username, full_name="王社工",
        phone="13912345678", role=StaffRole.COMMUNITY_STAFF,
        node=world.communities[community],
    )
    return result.user, result.password


# ---------------------------------------------------------------------------
# Creating an account inside (and outside) one's district
# ---------------------------------------------------------------------------


def test_district_official_creates_a_community_staff_account_on_the_page(world):
    client = client_for(world.users["district_official"])
    community = world.communities["A1b-c"]

    response = create_page(client, world, unit=f"community:{community.pk}")

    assert response.status_code == 200
    password = one_time_password(response)
    user = get_user_model().objects.get(username="c_new")
    assert user.check_password(password) and user.is_staff and user.is_active
    assignment = StaffAssignment.objects.get(user=user, ended_at__isnull=True)
    assert (assignment.role, assignment.community) == (StaffRole.COMMUNITY_STAFF, community)
    assert user.staff_profile.must_change_password
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_CREATED)
    assert event.actor == world.users["district_official"]
    assert event.district == world.districts["A1"]
    assert event.changes["phone"] == "139****5678"
    # the password is in no audit row
    assert password not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_district_official_is_refused_another_districts_community_on_the_page(world):
    client = client_for(world.users["district_official"])

    response = create_page(client, world, unit=f"community:{world.communities['A2a-c'].pk}")

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors  # the form again, the unit refused
    assert not get_user_model().objects.filter(username="c_new").exists()


def test_district_official_creates_and_is_refused_in_the_api(world):
    client = client_for(world.users["district_official"])
    body = {"username": "api_new", "full_name": "李社工", "phone": "13912345678",
            "role": StaffRole.COMMUNITY_STAFF, "unit": world.communities["A1a-c"].pk}

    created = client.post("/api/v1/accounts/", body, content_type="application/json")
    refused = client.post("/api/v1/accounts/", {**body, "username": "api_other",
                                                "unit": world.communities["B1a-c"].pk},
                          content_type="application/json")

    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["account"]["username"] == "api_new"
    assert data["account"]["role"] == StaffRole.COMMUNITY_STAFF
    assert data["account"]["phone"] == "139****5678"
    assert data["account"]["must_change_password"] is True
    user = get_user_model().objects.get(username="api_new")
    assert user.check_password(data["one_time_password"])
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "out_of_scope"
    assert not get_user_model().objects.filter(username="api_other").exists()


def test_roles_granted_are_at_most_the_officials_own_level(world):
    street = world.users["street_staff"]
    with pytest.raises(ApplicationError) as refused:
        accounts.account_create(actor=street, username="d_new", full_name="x",
                                phone="13912345678", role=StaffRole.DISTRICT_OFFICIAL,
                                node=world.districts["A1"])
    assert refused.value.code == "role_not_allowed"
    # a district official never grants a city role
    client = client_for(world.users["district_official"])
    response = client.post("/api/v1/accounts/", {
        "username": "city_new", "full_name": "x", "phone": "13912345678",
        "role": StaffRole.CITY_OFFICIAL, "unit": world.cities["A"].pk,
    }, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "role_not_allowed"
    assert not get_user_model().objects.filter(username__in=["d_new", "city_new"]).exists()


def test_community_staff_manage_only_their_grid_workers(world):
    community_staff = world.users["community_staff"]
    result = accounts.account_create(
        actor=community_staff, username="g_new", full_name="网格员", phone="13912345678",
        role=StaffRole.GRID_WORKER, node=world.grids["A1a-c-g"],
    )
    assert result.user.staff_assignments.get().grid == world.grids["A1a-c-g"]
    with pytest.raises(ApplicationError):
        accounts.account_create(
            actor=community_staff, username="c2", full_name="x", phone="13912345678",
            role=StaffRole.COMMUNITY_STAFF, node=world.communities["A1a-c"],
        )
    with pytest.raises(ApplicationError):  # another community's grid
        accounts.account_create(
            actor=community_staff, username="g2", full_name="x", phone="13912345678",
            role=StaffRole.GRID_WORKER, node=world.grids["A1b-c-g"],
        )
    listed = {u.username for u in accounts.managed_accounts(actor=community_staff)}
    assert listed == {"grid_a1a", "g_new"}


def test_each_official_sees_only_the_accounts_of_their_subtree(world):
    make_account(world, username="in_a1", community="A1a-c")
    outsider = accounts.account_create(
        actor=world.users["superuser"], username="in_b1", full_name="x",
        phone="13912345678", role=StaffRole.COMMUNITY_STAFF, node=world.communities["B1a-c"],
    ).user
    district = world.users["district_official"]

    listed = {u.username for u in accounts.managed_accounts(actor=district)}

    assert listed == {"street_a1a", "community_a1a", "grid_a1a", "in_a1"}
    page = client_for(district).get("/staff/accounts/")
    assert page.status_code == 200
    assert "in_a1" in page.content.decode() and "in_b1" not in page.content.decode()
    api = client_for(district).get("/api/v1/accounts/").json()
    assert {a["username"] for a in api["results"]} == listed
    # someone else's account (and the city official above) look missing
    for pk in (outsider.pk, world.users["city_official"].pk):
        assert client_for(district).get(f"/staff/accounts/{pk}/").status_code == 404
        assert client_for(district).get(f"/api/v1/accounts/{pk}/").status_code == 404
        assert client_for(district).post(f"/staff/accounts/{pk}/deactivate/").status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active


def test_grid_workers_and_people_without_a_role_manage_nothing(world):
    for key in ("grid_worker", "nobody"):
        client = client_for(world.users[key])
        assert client.get("/staff/accounts/").status_code == 403
        assert client.get("/api/v1/accounts/").status_code == 403
        assert client.get("/admin/communities/staffaccount/").status_code in (302, 403)


def test_the_admin_lists_and_creates_within_the_scope(world):
    make_account(world, username="in_a1")
    client = client_for(world.users["district_official"])

    changelist = client.get("/admin/communities/staffaccount/")
    created = client.post("/admin/communities/staffaccount/add/", {
        "username": "admin_new", "first_name": "赵", "phone": "13912345678",
        "role": StaffRole.STREET_STAFF, "unit": f"street:{world.streets['A1b'].pk}",
        "title": "",
    })
    refused = client.post("/admin/communities/staffaccount/add/", {
        "username": "admin_out", "first_name": "赵", "phone": "13912345678",
        "role": StaffRole.STREET_STAFF, "unit": f"street:{world.streets['B1a'].pk}",
    })

    assert changelist.status_code == 200
    assert "in_a1" in changelist.content.decode()
    assert "city_a" not in changelist.content.decode()
    assert created.status_code == 200
    user = get_user_model().objects.get(username="admin_new")
    assert user.check_password(
        re.search(r'class="one-time-password">([^<]+)<', created.content.decode()).group(1)
    )
    assert refused.status_code == 200  # the form again, with the error
    assert not get_user_model().objects.filter(username="admin_out").exists()


def test_editing_an_account_moves_its_role_and_is_audited(world):
    user, _password = make_account(world)
    client = client_for(world.users["district_official"])

    response = client.post(f"/staff/accounts/{user.pk}/", {
        "full_name": "王社工", "phone": "13700001111", "role": StaffRole.COMMUNITY_STAFF,
        "unit": f"community:{world.communities['A1b-c'].pk}", "title": "",
    })

    assert response.status_code == 302
    active = StaffAssignment.objects.get(user=user, ended_at__isnull=True)
    assert active.community == world.communities["A1b-c"]
    assert StaffAssignment.objects.filter(user=user, ended_at__isnull=False).count() == 1
    user.staff_profile.refresh_from_db()
    assert user.staff_profile.phone == "13700001111"
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_UPDATED)
    assert event.changes["phone"] == ["139****5678", "137****1111"]


# ---------------------------------------------------------------------------
# One-time password: changed at the first login
# ---------------------------------------------------------------------------


def test_the_new_user_must_change_the_password_at_first_login(world):
    user, password = make_account(world)
    client = Client()
    assert client.login(username="c_new", password=password)

    page = client.get("/staff/")
    api = client.get("/api/v1/compounds/")

    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/password/change/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "password_change_required"

    changed = client.post("/accounts/password/change/", {
        "old_password": password, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD, "next": "/staff/",
    })

    assert changed.status_code == 302 and changed["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert client.get("/api/v1/compounds/").status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.staff_profile.must_change_password
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED,
                                     actor=user).exists()
    # the next login goes straight in
    again = Client()
    assert again.login(username="c_new", password=NEW_PASSWORD)
    assert again.get("/staff/").status_code == 200


def test_the_one_time_password_cannot_stay(world):
    _user, password = make_account(world)
    client = Client()
    client.login(username="c_new", password=password)

    response = client.post("/accounts/password/change/", {
        "old_password": password, "new_password1": "123", "new_password2": "123",
    })

    assert response.status_code == 200
    assert client.get("/staff/").status_code == 302


# ---------------------------------------------------------------------------
# Switching an account off
# ---------------------------------------------------------------------------


def test_switching_the_account_off_logs_it_out_at_once(world):
    user, password = make_account(world)
    accounts.account_password_change(actor=user, new_password=NEW_PASSWORD)
    holder = Client()
    holder.login(username="c_new", password=NEW_PASSWORD)
    assert holder.get("/staff/").status_code == 200

    response = client_for(world.users["district_official"]).post(
        f"/staff/accounts/{user.pk}/deactivate/"
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert not [s for s in Session.objects.all()
                if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    after = holder.get("/staff/")
    assert after.status_code == 302 and after["Location"].startswith("/accounts/login/")
    assert not Client().login(username="c_new", password=NEW_PASSWORD)
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_DEACTIVATED)
    assert event.changes["sessions_ended"] == 1
    assert event.district == world.districts["A1"]


def test_switching_off_and_on_in_the_api(world):
    user, _password = make_account(world)
    client = client_for(world.users["district_official"])

    off = client.post(f"/api/v1/accounts/{user.pk}/deactivate/")
    on = client.post(f"/api/v1/accounts/{user.pk}/reactivate/")

    assert off.status_code == 200 and off.json()["is_active"] is False
    assert on.status_code == 200 and on.json()["is_active"] is True
    foreign = client_for(world.users["street_staff"]).post(
        f"/api/v1/accounts/{world.users['district_official'].pk}/deactivate/"
    )
    assert foreign.status_code == 404


def test_an_official_cannot_switch_themself_off(world):
    district = world.users["district_official"]
    with pytest.raises(ApplicationError):
        accounts.account_deactivate(actor=district, user=district)


# ---------------------------------------------------------------------------
# Passwords reset by an official and by a texted code
# ---------------------------------------------------------------------------


def test_an_official_resets_a_subordinates_password(world, django_capture_on_commit_callbacks):
    user, first = make_account(world)
    accounts.account_password_change(actor=user, new_password=NEW_PASSWORD)
    client = client_for(world.users["district_official"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/accounts/{user.pk}/reset-password/",
                               {"text_password": "on"})

    password = one_time_password(response)
    user.refresh_from_db()
    assert user.check_password(password) and not user.check_password(NEW_PASSWORD)
    assert user.staff_profile.must_change_password
    assert sms.sent == [("13912345678", sms.sent[0][1])] and password in sms.sent[0][1]
    api = client.post(f"/api/v1/accounts/{user.pk}/reset-password/", {},
                      content_type="application/json")
    assert api.status_code == 200
    user.refresh_from_db()
    assert user.check_password(api.json()["one_time_password"])
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).count() == 2


def test_password_reset_by_texted_code_on_the_pages(world):
    user, _password = make_account(world)
    client = Client()

    asked = client.post("/accounts/password-reset/", {"login": "c_new"})
    unknown = client.post("/accounts/password-reset/", {"login": "nobody_here"})

    assert asked.status_code == unknown.status_code == 302
    assert asked["Location"] == unknown["Location"] == "/accounts/password-reset/confirm/"
    assert len(sms.sent) == 1
    phone, message = sms.sent[0]
    assert phone == "13912345678"
    code = re.search(r"\d{6}", message).group(0)
    wrong = client.post("/accounts/password-reset/confirm/", {
        "login": "c_new", "code": f"{(int(code) + 1) % 10**6:06d}",
        "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })
    done = client.post("/accounts/password-reset/confirm/", {
        "login": "c_new", "code": code,
        "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
    })

    assert wrong.status_code == 200 and "form" in wrong.content.decode()
    assert done.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.staff_profile.must_change_password
    # a code works once
    reused = client.post("/accounts/password-reset/confirm/", {
        "login": "c_new", "code": code,
        "new_password1": "Another-pass-2026!", "new_password2": "Another-pass-2026!",
    })
    assert reused.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET,
                                     changes__method="sms_code").count() == 1


def test_password_reset_by_texted_code_in_the_api_reveals_nothing(world):
    user, _password = make_account(world)
    client = Client()

    known = client.post("/api/v1/password-reset/", {"login": "c_new"},
                        content_type="application/json")
    unknown = client.post("/api/v1/password-reset/", {"login": "nobody_here"},
                          content_type="application/json")

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    code = re.search(r"\d{6}", sms.sent[0][1]).group(0)
    refusals = [
        client.post("/api/v1/password-reset/confirm/", {
            "login": login, "code": code, "new_password": NEW_PASSWORD,
        }, content_type="application/json").json()
        for login in ("nobody_here", "district_a1")
    ]
    assert refusals[0] == refusals[1]
    assert refusals[0]["error"]["code"] == "invalid_code"
    ok = client.post("/api/v1/password-reset/confirm/", {
        "login": "13912345678", "code": code, "new_password": NEW_PASSWORD,
    }, content_type="application/json")
    assert ok.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_codes_are_rate_limited_whatever_the_login(world):
    make_account(world)
    client = Client()
    answers = [client.post("/api/v1/password-reset/", {"login": login},
                           content_type="application/json").status_code
               for login in ["c_new"] * 4 + ["ghost"] * 4]

    assert answers == [202, 202, 202, 429, 202, 202, 202, 429]
    assert len(sms.sent) == 3


def test_wrong_codes_burn_the_code(world):
    make_account(world)
    accounts.password_reset_request(login="c_new", ip="10.0.0.1")
    code = re.search(r"\d{6}", sms.sent[0][1]).group(0)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _attempt in range(accounts.RESET_CODE_ATTEMPTS):
        with pytest.raises(ApplicationError):
            accounts.password_reset_confirm(login="c_new", code=wrong,
                                            new_password=NEW_PASSWORD)
    with pytest.raises(ApplicationError):
        accounts.password_reset_confirm(login="c_new", code=code, new_password=NEW_PASSWORD)


# ---------------------------------------------------------------------------
# The second factor
# ---------------------------------------------------------------------------


def test_officials_see_who_has_not_set_up_the_second_factor(world):
    street = world.users["street_staff"]
    TOTPDevice.objects.create(user=world.users["community_staff"], name="app", confirmed=True)
    client = client_for(world.users["district_official"])

    missing = client.get("/api/v1/accounts/?without_second_factor=1").json()
    page = client.get("/staff/accounts/?without_second_factor=on").content.decode()

    assert {a["username"] for a in missing["results"]} == {street.username, "grid_a1a"}
    assert "street_a1a" in page and "community_a1a" not in page


def test_logging_in_with_the_old_password_fails_after_a_reset(world):
    user, first = make_account(world)
    accounts.account_password_reset(actor=world.users["district_official"], user=user)
    assert not Client().login(username="c_new", password=first)
    assert not Client().login(username="c_new", password=PASSWORD)
