"""The resident ID number's check (GB 11643-1999, ISO 7064 MOD 11-2) and the sealing of numbers."""

import pytest

from finegrid.petitions.identity import id_problem, person_keys, seal, unseal


def test_the_standards_example_number_is_valid():
    assert id_problem("11010519491231002X") is None
    assert id_problem("11010519491231002x") is None  # a lower-case x is the same check character


@pytest.mark.parametrize("number, why", [
    ("110105194912310021", "check character"), ("1101051949123100", "18-character"),
    ("110105194913310029", "birth date"), ("11010519491231002Y", "18-character")])
def test_a_wrong_number_says_what_is_wrong(number, why):
    assert why in id_problem(number)


def test_a_sealed_number_is_not_in_its_token_and_unseals(settings):
    token = seal("11010519491231002X")
    assert "1101" not in token and unseal(token) == "11010519491231002X"


def test_person_keys_ignore_spacing_and_need_both_name_and_address():
    assert person_keys(phone="138 0000 1234") == person_keys(phone="+86 13800001234")
    assert "name_address" not in person_keys(name="王建国")
    assert person_keys(name="王 建国", address="东关街1号") == person_keys(name="王建国", address="东关街 1 号")
