"""Hypothesis strategies for hostile input: any Unicode (control characters, NUL,
surrogate-free astral planes, right-to-left marks), huge values and empty ones."""

from hypothesis import strategies as st

HUGE = 20_000

any_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=50),
    st.sampled_from(["", " ", "\x00", "\u202e", "😀" * 10, "<script>alert(1)</script>",
                     "'; DROP TABLE complaints_complaint; --", "=CMD()", "Ａ" * 500]),
    st.integers(min_value=1, max_value=HUGE).map(lambda n: "长" * n),
)
phone_like = st.one_of(any_text, st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
                       st.from_regex(r"\A\+?[0-9 \-]{0,25}\Z"))
number_like = st.one_of(any_text, st.integers().map(str), st.floats().map(str),
                        st.sampled_from(["1e999", "-0", "NaN", "Infinity", "0x10", "١٢"]))
