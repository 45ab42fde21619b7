"""How a school's words find offers: other words for the same thing, acronyms, district
names, and words too long to be real."""

import pytest
from factories import make_member, make_offer, make_school

from elp.search import index
from elp.search.services import SearchRequest, search_offers


def found(q, **filters):
    results = search_offers(SearchRequest.from_args({"q": q, **filters}))
    return sorted(hit.title for hit in results.hits)


def offer_saying(title, text, **fields):
    """An offer whose only words of note are its title and `text` (no phase, designation or
    summary that would bring in a synonym of its own)."""
    values = {"summary": "Support for your school.", "description": text, "designation": None,
              "phases": ("Post-16",)}
    return make_offer(title=title, **{**values, **fields})


# PRODUCT.md issue 4: each of these groups must find each other, whichever form an offer uses.
SYNONYM_GROUPS = [
    ("SEN", "SEND", "special educational needs"),
    ("ASD", "autism", "autistic"),
    ("SLCN", "SALT", "speech and language"),
    ("maths", "mathematics", "numeracy"),
    ("EYFS", "early years"),
    ("KS1", "key stage 1"),
    ("KS2", "key stage 2"),
    ("KS3", "key stage 3"),
    ("KS4", "key stage 4"),
    ("SLE", "specialist leader of education"),
    ("phonics", "early reading"),
    ("behaviour", "behavior"),
    ("DSL", "safeguarding lead"),
]


@pytest.mark.parametrize("forms", SYNONYM_GROUPS, ids=lambda forms: "/".join(forms))
def test_an_offer_using_one_form_is_found_by_every_other_form(db, forms):
    titles = [f"Offer {letter}" for letter in "ABC"[: len(forms)]]
    for title, form in zip(titles, forms):
        offer_saying(title, f"Our team supports {form} across the school.")

    for form in forms:
        assert found(form) == titles, form


def test_an_acronym_that_is_also_an_everyday_word_counts_only_in_capitals(db):
    offer_saying("SEND outreach", "Outreach for pupils with SEND in mainstream classes.")
    offer_saying("Needs outreach", "Outreach for pupils with special educational needs.")
    offer_saying("Drama workshops", "Please send us your dates and we will send a plan.")

    for q in ("SEN", "SEND", "special educational needs"):
        assert found(q) == ["Needs outreach", "SEND outreach"], q
    # Typed in lower case it may mean either: the acronym's offers and the word's.
    assert found("send") == ["Drama workshops", "Needs outreach", "SEND outreach"]


def test_an_acronym_written_with_a_small_last_letter_still_counts(db):
    offer_saying("SENCo network", "A termly network meeting for every SENCo.")

    assert found("special educational needs coordinator") == ["SENCo network"]


def test_an_everyday_use_of_an_acronym_is_not_highlighted_as_the_acronym(db):
    offer_saying("SEND outreach", "Please send us your dates. Outreach for pupils with SEND.")

    [hit] = search_offers(SearchRequest.from_args({"q": "SEN"})).hits

    assert "send us" in str(hit.snippet)
    assert '<mark class="elp-highlight">SEND</mark>' in str(hit.snippet)


@pytest.mark.parametrize("district", ["Harlow", "Castle Point", "Epping Forest", "castle point"])
def test_a_district_named_in_the_words_finds_offers_that_serve_it(db, district):
    elsewhere = make_school(district="Tendring", town="Clacton-on-Sea")
    name = district.title()
    offer_saying("Phonics serving it", "Phonics coaching.", school=elsewhere, districts=(name,))
    offer_saying("Phonics for all Essex", "Phonics coaching.", school=elsewhere,
                 serves_all_districts=True)
    offer_saying("Phonics serving Maldon", "Phonics coaching.", school=elsewhere,
                 districts=("Maldon",))

    assert found(f"phonics {district}") == ["Phonics for all Essex", "Phonics serving it"]
    assert found(district) == ["Phonics for all Essex", "Phonics serving it"]


def test_a_word_too_long_to_be_real_is_not_spell_corrected(db, client, login_as, monkeypatch):
    offer_saying("Phonics training", "Phonics coaching.")
    login_as(make_member())
    corrected = []
    real_corrections = index.Snapshot.corrections

    def spy(snapshot, word):
        corrected.append(word)
        return real_corrections(snapshot, word)

    monkeypatch.setattr(index.Snapshot, "corrections", spy)

    response = client.get("/search", query_string={"q": "phonicss " + "x" * 2000})

    assert response.status_code == 200
    assert "No offers match" in response.get_data(as_text=True)
    assert corrected == ["phonicss"]  # the short typo is corrected; the long word is not


def test_did_you_mean_offers_only_the_words_that_were_searched(db):
    offer_saying("Phonics training", "Phonics coaching.")

    typed = "phonicss " + "x" * 2000
    results = search_offers(SearchRequest.from_args({"q": typed}))

    searched = typed[: index.MAX_QUERY_CHARS]
    assert results.did_you_mean == searched.replace("phonicss", "phonics")
