"""Who the page says is signed in, from the environment Voilà gives the kernel (credit_widgets.serving.officer)."""
import pytest

from credit_widgets.serving import officer


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(officer, "_cache", {})
    for name in ("APP_USER_HEADER", "HTTP_X_FORWARDED_USER", "VOILA_PREHEAT"):
        monkeypatch.delenv(name, raising=False)


def test_without_the_setting_the_officer_is_local_whatever_the_headers(monkeypatch):
    monkeypatch.setenv("HTTP_X_FORWARDED_USER", "jdupont")
    assert officer.current_officer() == "local"


@pytest.mark.parametrize("header", ["X-Forwarded-User", "x-forwarded-user", " X-Forwarded-User "])
def test_the_configured_header_names_the_officer(monkeypatch, header):
    monkeypatch.setenv("APP_USER_HEADER", header)
    monkeypatch.setenv("HTTP_X_FORWARDED_USER", " jdupont ")
    assert officer.current_officer() == "jdupont"
    monkeypatch.setenv("HTTP_X_FORWARDED_USER", "mmartin")
    assert officer.current_officer() == "jdupont"  # asked once per kernel: the page's officer does not change


@pytest.mark.parametrize("value", [None, "", "   ", "x" * 129, "jd\nupont"])
def test_a_missing_or_unusable_header_names_nobody(monkeypatch, value):
    monkeypatch.setenv("APP_USER_HEADER", "X-Forwarded-User")
    if value is not None:
        monkeypatch.setenv("HTTP_X_FORWARDED_USER", value)
    assert officer.current_officer() is None
    assert "non identifié" in officer.officer_html(None, "fr") and "not identified" in officer.officer_html(None, "en")


def test_the_name_shown_is_escaped():
    shown = officer.officer_html("<script>x</script>", "en")
    assert "<script>" not in shown and "&lt;script&gt;" in shown and shown.startswith("Signed in")
