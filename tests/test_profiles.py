"""Local profile names: names that look alike are one profile, or are refused with a reason."""
import time
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from components.identity import (PROFILE_INPUT_MAX, PROFILE_MAX, ProfileNameError, check_profile,
                                  is_local_address, normalize_profile)


@pytest.mark.parametrize("typed", ["me", "me ", "  ME", "Me", "\u3000me\t", "ｍｅ", "\uff2d\uff25"])
def test_names_that_look_like_me_are_me(typed):
    assert check_profile(typed) == "me"


def test_case_spaces_and_compatibility_forms_fold_together():
    assert check_profile("  Ada   Lovelace ") == check_profile("ada lovelace") == "ada lovelace"
    assert check_profile("\u212aelvin") == "kelvin"             # KELVIN SIGN
    assert check_profile("\u017fam") == "sam"                  # LATIN SMALL LETTER LONG S
    assert check_profile("ﬁnn") == "finn"                      # the fi ligature


@pytest.mark.parametrize("name, script", [("mе", "Cyrillic"), ("αda", "Greek"), ("adа", "Cyrillic")])
def test_a_name_mixing_scripts_is_refused_and_says_which(name, script):
    with pytest.raises(ProfileNameError, match=f"mixes .*{script}.*could look exactly like another") as err:
        check_profile(name)
    assert "Latin" in str(err.value)


@pytest.mark.parametrize("name, shown", [("bad/name!", "solidus"), ("me😀", "grinning face"),
                                         ("a\u200bb", "zero width space")])
def test_a_name_outside_letters_digits_and_marks_is_refused_and_says_which_character(name, shown):
    with pytest.raises(ProfileNameError, match="1–40 letters of one alphabet") as err:
        check_profile(name)
    assert shown in str(err.value)


@pytest.mark.parametrize("name, profile", [("José", "josé"), ("Jose\u0301", "josé"), ("Мария", "мария"),
                                           ("Zoë-2", "zoë-2")])
def test_letters_of_one_alphabet_make_a_profile_whichever_way_they_were_typed(name, profile):
    assert check_profile(name) == profile


def test_empty_and_long_names_are_refused():
    for blank in ["", "   ", "\u3000\n"]:
        with pytest.raises(ProfileNameError, match="at least one"):
            check_profile(blank)
    with pytest.raises(ProfileNameError, match="at most 40"):
        check_profile("x" * (PROFILE_MAX + 1))
    assert check_profile("x" * PROFILE_MAX) == "x" * PROFILE_MAX


def test_a_huge_name_is_refused_before_it_is_normalised():
    huge = "\ufdfa" * 1_000_000          # NFKC turns each of these into 18 characters
    start = time.perf_counter()
    with pytest.raises(ProfileNameError, match="at most 40"):
        check_profile(huge)
    assert time.perf_counter() - start < 0.1
    with pytest.raises(ProfileNameError, match="at most 40"):
        check_profile("a" * (PROFILE_INPUT_MAX + 1))


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_normalising_never_raises_and_is_idempotent(raw):
    once = normalize_profile(raw)
    assert normalize_profile(once) == once
    assert once == once.strip() and "  " not in once


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_a_name_is_either_one_plain_profile_or_refused_in_a_sentence(raw):
    try:
        name = check_profile(raw)
    except ProfileNameError as exc:
        assert str(exc).endswith(".") and "Traceback" not in str(exc)
        return
    assert check_profile(name) == name                       # the stored name means itself
    assert 1 <= len(name) <= PROFILE_MAX and name == normalize_profile(name)
    scripts = {unicodedata.name(ch, "UNKNOWN").split(" ")[0] for ch in name if unicodedata.category(ch)[0] in "LM"}
    assert len(scripts) <= 1                                 # never two alphabets in one name


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=38),
       st.sampled_from(["", " ", "  ", "\t"]), st.booleans())
def test_spacing_and_case_never_make_a_second_profile(name, pad, upper):
    look_alike = pad + (name.upper() if upper else name) + pad
    assert check_profile(look_alike) == check_profile(name) == name


@pytest.mark.parametrize("host, local", [(None, True), ("localhost", True), ("127.0.0.1", True), ("::1", True),
                                         ("[::1]", True), ("app.localhost", True), ("lab.example.org", False),
                                         ("192.168.1.20", False), ("10.0.0.5", False)])
def test_which_addresses_are_this_machine(host, local):
    assert is_local_address(host) is local
