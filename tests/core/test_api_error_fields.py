"""A service refusal that names its inputs names them in the API's error too, as a form
shows the message next to the field."""

from rest_framework.test import APIRequestFactory

from core.api_errors import api_exception_handler
from core.errors import ApplicationError


def _answer(error):
    request = APIRequestFactory().post("/api/v1/anything/")
    return api_exception_handler(error, {"request": request})


def test_the_named_inputs_carry_the_message():
    response = _answer(ApplicationError("会议不能在举行之前登记。", code="future_meeting",
                                        fields=("held_at",)))
    assert response.status_code == 400
    assert response.data == {"error": {
        "code": "future_meeting", "message": "会议不能在举行之前登记。",
        "fields": {"held_at": ["会议不能在举行之前登记。"]},
    }}


def test_a_refusal_about_no_input_has_no_fields():
    response = _answer(ApplicationError("不在您的辖区。", code="out_of_scope", status_code=404))
    assert response.status_code == 404
    assert response.data["error"]["fields"] == {}
