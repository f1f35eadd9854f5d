"""The catalogue of texts: languages in step (keys, fields), registered texts, clashes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.texts import (
    LANGUAGES,
    SECTIONS,
    catalogue,
    has_text,
    omitted_fields,
    placeholders,
    register_texts,
    registered_owners,
    section,
    text,
    unregister_texts,
)

REF = LANGUAGES[0]


def parity_problems(
    by_lang: dict[str, dict[str, str]], omitted: dict[str, dict[str, frozenset[str]]]
) -> list[str]:
    """What keeps the languages of a catalogue out of step (empty if nothing)."""
    problems = []
    ref = by_lang[REF]
    for lang, got in by_lang.items():
        for key in sorted(set(ref) - set(got)):
            problems.append(f"{lang}: missing {key}")
        for key in sorted(set(got) - set(ref)):
            problems.append(f"{lang}: {key} not in {REF}")
        for key, value in got.items():
            if not value.strip():
                problems.append(f"{lang}: {key} is empty")
            if key not in ref:
                continue
            dropped = omitted.get(lang, {}).get(key, frozenset())
            want = placeholders(ref[key]) - dropped
            if placeholders(value) != want:
                problems.append(
                    f"{lang}: {key} has fields {sorted(placeholders(value))}, "
                    f"{REF} {sorted(placeholders(ref[key]))}"
                )
            if not dropped <= placeholders(ref[key]):
                problems.append(f"{lang}: {key} omits fields {REF} does not have")
    return problems


def _omitted() -> dict[str, dict[str, frozenset[str]]]:
    return {lang: omitted_fields(lang) for lang in LANGUAGES}


def test_every_key_in_every_language_with_the_same_fields():
    assert parity_problems({lang: catalogue(lang) for lang in LANGUAGES}, _omitted()) == []


def test_every_section_has_texts_and_every_omission_names_a_real_key():
    for lang in LANGUAGES:
        for name in SECTIONS:
            assert len(section(name, lang)) > 0, (lang, name)
        assert set(omitted_fields(lang)) <= set(catalogue(REF)), lang
    assert omitted_fields(REF) == {}


def test_the_parity_check_catches_a_broken_pair():
    good = {"en": {"msg.a": "{n} of {m}", "msg.b": "b"}, "zh": {"msg.a": "{m}中{n}", "msg.b": "乙"}}
    assert parity_problems(good, {}) == []
    missing = {"en": good["en"], "zh": {"msg.a": "{m}中{n}"}}
    assert parity_problems(missing, {}) == ["zh: missing msg.b"]
    extra = {"en": good["en"], "zh": {**good["zh"], "msg.c": "丙"}}
    assert parity_problems(extra, {}) == ["zh: msg.c not in en"]
    fields = {"en": good["en"], "zh": {"msg.a": "{m}中{k}", "msg.b": "乙"}}
    assert parity_problems(fields, {}) == ["zh: msg.a has fields ['k', 'm'], en ['m', 'n']"]
    empty = {"en": good["en"], "zh": {"msg.a": "{m}中{n}", "msg.b": " "}}
    assert parity_problems(empty, {}) == ["zh: msg.b is empty"]
    dropped = {"en": good["en"], "zh": {"msg.a": "{m}", "msg.b": "乙"}}
    assert parity_problems(dropped, {}) != []
    assert parity_problems(dropped, {"zh": {"msg.a": frozenset({"n"})}}) == []


def test_placeholders_are_field_roots():
    assert placeholders("{n} of {b.x} at {c[0]:.1f}, {{literal}}") == {"n", "b", "c"}
    assert placeholders("no fields") == frozenset()


def test_lookups_fill_fields_and_refuse_unknown_languages_and_sections():
    assert text("msg.day", "en", d=3) == "day 3"
    assert text("msg.day", "zh", d=3) == "第3天"
    assert has_text("code.srdi") and not has_text("code.not_a_code")
    with pytest.raises(ValueError, match="language"):
        text("msg.day", "xx", d=3)
    with pytest.raises(ValueError, match="section"):
        text("nosuch.day")
    with pytest.raises(KeyError):
        text("msg.not_a_message")


OWNERS = ("tests.rd_credit", "tests.other", "tests.srdi", "tests.broken")


@pytest.fixture
def clean_registry():
    """Registrations made in a test are undone after it."""
    yield
    for owner in OWNERS:
        unregister_texts(owner)


def _measure_texts(unit: str = "研发费用税收抵免金额。") -> dict[str, dict[str, str]]:
    return {
        "en": {
            "column.rd_credit_amount": "R&D tax credit granted. Scaled to the population.",
            "figure.rd_credit_amount": "R&D tax credit ({n} firms)",
        },
        "zh": {"column.rd_credit_amount": unit, "figure.rd_credit_amount": "研发税收抵免（{n}家）"},
    }


def test_registered_texts_join_the_catalogue_and_its_parity(clean_registry):
    from sim.reporting.i18n import figure_label
    from sim.results.columns import MEANINGS

    register_texts(_measure_texts(), owner="tests.rd_credit")
    register_texts(_measure_texts(), owner="tests.rd_credit")  # imported twice: a no-op
    # (the measures of sim.model.instruments register their own texts too)
    assert {k: v for k, v in registered_owners().items() if v.startswith("tests.")} == {
        "column.rd_credit_amount": "tests.rd_credit",
        "figure.rd_credit_amount": "tests.rd_credit",
    }
    assert text("figure.rd_credit_amount", "zh", n=2) == "研发税收抵免（2家）"
    assert figure_label("rd_credit_amount", "en") == "R&D tax credit ({n} firms)"
    assert MEANINGS["zh"]["rd_credit_amount"] == "研发费用税收抵免金额。"
    everything = {lang: catalogue(lang) for lang in LANGUAGES}
    assert "column.rd_credit_amount" in everything["zh"]
    assert parity_problems(everything, _omitted()) == []
    assert unregister_texts("tests.rd_credit") == sorted(_measure_texts()["en"])
    assert not has_text("column.rd_credit_amount", "zh")


def test_texts_registered_before_the_files_are_read_join_them_and_clashes_are_refused():
    # a fresh interpreter: the measure module registers on import, before any lookup
    code = f"""
from sim import texts
texts.register_texts({_measure_texts()!r}, owner="m")
texts.register_texts({{l: {{"code.srdi": "x"}} for l in texts.LANGUAGES}}, owner="m2")
try:
    texts.catalogue("en")
except ValueError as e:
    print(e)
texts.unregister_texts("m2")
assert texts.text("figure.rd_credit_amount", "zh", n=1) == "研发税收抵免（1家）"
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "'code.srdi' registered by m2 is already in sim/texts/en.yaml" in r.stdout


def test_a_clash_is_refused_with_the_owner_named(clean_registry):
    register_texts(_measure_texts(), owner="tests.rd_credit")
    with pytest.raises(ValueError, match="already registered by tests.rd_credit"):
        register_texts(_measure_texts(), owner="tests.other")
    with pytest.raises(ValueError, match="already registered by tests.rd_credit"):
        register_texts(_measure_texts("另一个含义。"), owner="tests.rd_credit")
    for lang in LANGUAGES:
        catalogue(lang)
    taken = {lang: {"code.srdi": "x"} for lang in LANGUAGES}
    with pytest.raises(ValueError, match=r"code\.srdi.*already in sim/texts/en\.yaml"):
        register_texts(taken, owner="tests.srdi")
    assert "code.srdi" not in registered_owners()


@pytest.mark.parametrize(
    ("broken", "match"),
    [
        ({"en": {"column.x": "x"}}, "expected the languages"),
        ({"en": {"column.x": "x"}, "zh": {"column.y": "y"}}, "differ in keys"),
        ({"en": {"column.x": "{n} x"}, "zh": {"column.x": "x"}}, "has fields"),
        ({"en": {"column.x": "x"}, "zh": {"column.x": ""}}, "is empty"),
        ({"en": {"colum.x": "x"}, "zh": {"colum.x": "x"}}, "section"),
    ],
)
def test_a_broken_registration_is_refused(clean_registry, broken, match):
    with pytest.raises(ValueError, match=match):
        register_texts(broken, owner="tests.broken")
    assert "tests.broken" not in registered_owners().values()
