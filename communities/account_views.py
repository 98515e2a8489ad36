"""Account pages: officials manage their area's accounts at /staff/accounts/; everyone
changes their own password and resets a forgotten one at /accounts/…"""

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from communities import accounts
from communities.account_forms import (
    AccountCreateForm,
    AccountFilterForm,
    AccountForm,
    PasswordResetByOfficialForm,
    PasswordResetConfirmForm,
    PasswordResetRequestForm,
)
from communities.audit import client_ip
from core.decorators import staff_view
from core.errors import ApplicationError
from core.forms import add_service_error

MANAGE = "communities.manage_accounts"


def _rows(page):
    return [(user, accounts.current_assignment(user)) for user in page]


@staff_view(MANAGE)
def account_list(request):
    filters = AccountFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page = Paginator(accounts.account_list(actor=request.user, filters=cleaned), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "communities/accounts/list.html", {
        "filter_form": filters, "page": page, "rows": _rows(page),
        "can_create": accounts.can_manage_accounts(request.user),
    })


def _show_password(request, result, *, created: bool):
    return render(request, "communities/accounts/password_shown.html",
                  {"account": result.user, "password": result.password,
                   "texted": result.texted, "created": created})


@staff_view(MANAGE)
def account_create(request):
    form = AccountCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = accounts.account_create(
                actor=request.user, username=data["username"], full_name=data["full_name"],
                phone=data["phone"], role=data["role"], node=data["unit"],
                title=data["title"], text_password=data["text_password"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return _show_password(request, result, created=True)
    return render(request, "communities/accounts/form.html", {"form": form, "account": None})


@staff_view(MANAGE)
def account_edit(request, pk):
    account = accounts.get_managed_account_or_404(actor=request.user, pk=pk)
    assignment = accounts.current_assignment(account)
    profile = getattr(account, "staff_profile", None)
    initial = {
        "full_name": account.first_name, "phone": profile.phone if profile else "",
        "role": assignment.role if assignment else "",
        "unit": f"{accounts.ROLE_NODE_FIELD[assignment.role]}:{assignment.node.pk}"
        if assignment else "",
        "title": assignment.title if assignment else "",
    }
    form = AccountForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accounts.account_update(
                actor=request.user, user=account, full_name=data["full_name"],
                phone=data["phone"], role=data["role"], node=data["unit"], title=data["title"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return redirect("account-list")
    return render(request, "communities/accounts/form.html", {
        "form": form, "account": account, "assignment": assignment,
        "reset_form": PasswordResetByOfficialForm(),
    })


@require_POST
@staff_view(MANAGE)
def account_deactivate(request, pk):
    account = accounts.get_managed_account_or_404(actor=request.user, pk=pk)
    accounts.account_deactivate(actor=request.user, user=account)
    return redirect("account-list")


@require_POST
@staff_view(MANAGE)
def account_reactivate(request, pk):
    account = accounts.get_managed_account_or_404(actor=request.user, pk=pk)
    accounts.account_reactivate(actor=request.user, user=account)
    return redirect("account-list")


@require_POST
@staff_view(MANAGE)
def account_password_reset(request, pk):
    account = accounts.get_managed_account_or_404(actor=request.user, pk=pk)
    form = PasswordResetByOfficialForm(request.POST)
    text = form.is_valid() and form.cleaned_data["text_password"]
    try:
        result = accounts.account_password_reset(actor=request.user, user=account,
                                                 text_password=text)
    except ApplicationError as error:
        return render(request, "communities/accounts/refused.html",
                      {"message": error.message, "account": account}, status=400)
    return _show_password(request, result, created=False)


# ---------------------------------------------------------------------------
# One's own password
# ---------------------------------------------------------------------------


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/staff/"


@never_cache
@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.account_password_change(actor=request.user,
                                             new_password=form.cleaned_data["new_password1"])
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            update_session_auth_hash(request, request.user)
            request.session.pop(accounts.MUST_CHANGE_SESSION_KEY, None)
            return redirect(_safe_next(request))
    return render(request, "registration/password_change.html", {
        "form": form, "next": _safe_next(request),
        "one_time": bool(request.session.get(accounts.MUST_CHANGE_SESSION_KEY)),
    })


@never_cache
def password_reset_request(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.password_reset_request(login=form.cleaned_data["login"],
                                            ip=client_ip(request))
        except ApplicationError as error:
            add_service_error(form, error)
            return render(request, "registration/password_reset_request.html",
                          {"form": form}, status=error.status_code)
        return redirect(f"{request.path}confirm/")
    return render(request, "registration/password_reset_request.html", {"form": form})


@never_cache
def password_reset_confirm(request):
    form = PasswordResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accounts.password_reset_confirm(login=data["login"], code=data["code"],
                                            new_password=data["new_password1"])
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return render(request, "registration/password_reset_done.html")
    return render(request, "registration/password_reset_confirm.html", {
        "form": form,
        "sent_notice": _("If the account exists and has a mobile number, a code has been "
                         "texted to it. It is valid for 10 minutes."),
    })
