"""Demo data: fictional Essex schools in every district and a login for every role.

`elp demo` builds the database if needed and loads it; tests call load_demo() directly.
Loading is idempotent: what already exists is left alone, so a second run changes nothing
and prints the same logins.

The schools are invented, but their towns, postcodes and grid references are real places in
their districts, so maps, distances and district filters behave as they would with GIAS
data. Their URNs are 999001 upwards: DfE gives out URNs in sequence from 100000 and the
newest are around 150000, so real schools will not reach 999xxx, and a GIAS import can
never overwrite a demo school.
"""

from dataclasses import dataclass

import click
import flask_migrate
from flask import current_app
from sqlalchemy import select

from elp.accounts.models import (
    ESSEX_DISTRICTS,
    ROLE_ADMIN,
    ROLE_LEAD,
    ROLE_MEMBER,
    School,
    User,
)
from elp.accounts.passwords import hash_password, password_matches
from elp.extensions import db
from elp.negotiation.demo_requests import load_demo_requests
from elp.offers.demo_offers import load_demo_offers
from elp.unit_of_work import unit_of_work

DEMO_PASSWORD = "essex-demo-password"

PRIMARY = "Primary"
SECONDARY = "Secondary"
NOT_APPLICABLE = "Not applicable"  # GIAS's phase for special schools and pupil referral units

COMMUNITY = "Community school"
VOLUNTARY_AIDED = "Voluntary aided school"
VOLUNTARY_CONTROLLED = "Voluntary controlled school"
ACADEMY = "Academy converter"
SPONSORED_ACADEMY = "Academy sponsor led"
FREE_SCHOOL = "Free schools"
SPECIAL = "Community special school"
ACADEMY_SPECIAL = "Academy special converter"
PUPIL_REFERRAL_UNIT = "Pupil referral unit"

# URN, name, district, phase, establishment type, trust, street, town, postcode, easting, northing
DEMO_SCHOOLS = [
    ("999001", "Kingswood Meadow Primary School", "Basildon", PRIMARY, COMMUNITY, None,
     "Clayhill Road", "Basildon", "SS16 5DQ", 570400, 188600),
    ("999002", "Great Burstead Academy", "Basildon", SECONDARY, ACADEMY,
     "Crouch Vale Learning Trust", "Noak Hill Road", "Billericay", "CM12 9UA", 567300, 193900),
    ("999003", "Nevendon Infant School", "Basildon", PRIMARY, COMMUNITY, None,
     "Nevendon Road", "Wickford", "SS12 0QH", 574300, 191900),
    ("999004", "Pitsea Marsh Centre", "Basildon", NOT_APPLICABLE, PUPIL_REFERRAL_UNIT, None,
     "Rectory Road", "Basildon", "SS13 2AA", 574000, 188000),
    ("999005", "Bocking Mill Primary School", "Braintree", PRIMARY, VOLUNTARY_CONTROLLED, None,
     "Church Street", "Braintree", "CM7 5LA", 575800, 224200),
    ("999006", "Witham Chipping Academy", "Braintree", SECONDARY, ACADEMY,
     "Blackwater Schools Partnership", "Spinks Lane", "Witham", "CM8 1EP", 581600, 214000),
    ("999007", "Halstead Valley School", "Braintree", NOT_APPLICABLE, SPECIAL, None,
     "Colchester Road", "Halstead", "CO9 2DZ", 582000, 230500),
    ("999008", "Warley Hill Primary School", "Brentwood", PRIMARY, COMMUNITY, None,
     "Warley Hill", "Brentwood", "CM14 5HA", 559000, 192500),
    ("999009", "St Erkenwald’s Catholic High School", "Brentwood", SECONDARY, VOLUNTARY_AIDED,
     None, "Queens Road", "Brentwood", "CM14 4HE", 559700, 193800),
    ("999010", "Ingatestone Fairfield Infant School", "Brentwood", PRIMARY, COMMUNITY, None,
     "Fairfield", "Ingatestone", "CM4 9DA", 565200, 199600),
    ("999011", "Canvey Shorefields Primary School", "Castle Point", PRIMARY, ACADEMY,
     "Estuary Light Academy Trust", "Long Road", "Canvey Island", "SS8 0JB", 578800, 183300),
    ("999012", "Thundersley Common Academy", "Castle Point", SECONDARY, SPONSORED_ACADEMY,
     "Estuary Light Academy Trust", "Kiln Road", "Benfleet", "SS7 1TW", 579300, 188300),
    ("999013", "Benfleet Creek School", "Castle Point", NOT_APPLICABLE, ACADEMY_SPECIAL,
     "Estuary Light Academy Trust", "Vicarage Hill", "Benfleet", "SS7 1PA", 577900, 186200),
    ("999014", "Hadleigh Priory Infant School", "Castle Point", PRIMARY, COMMUNITY, None,
     "Rectory Road", "Hadleigh", "SS7 2NA", 581000, 187200),
    ("999015", "Oaklands Park Primary School", "Chelmsford", PRIMARY, COMMUNITY, None,
     "Oaklands Crescent", "Chelmsford", "CM2 9PD", 570300, 206000),
    ("999016", "Springfield Meadows Academy", "Chelmsford", SECONDARY, ACADEMY,
     "Chelmer Learning Partnership", "Pump Lane", "Chelmsford", "CM1 6RZ", 573100, 208700),
    ("999017", "Great Baddow Brook School", "Chelmsford", NOT_APPLICABLE, SPECIAL, None,
     "Baddow Road", "Chelmsford", "CM2 7PQ", 572800, 204900),
    ("999018", "Saltings Primary School", "Chelmsford", PRIMARY, FREE_SCHOOL,
     "Chelmer Learning Partnership", "Hullbridge Road", "South Woodham Ferrers", "CM3 5LU",
     580300, 197500),
    ("999019", "Abbey Fields Primary School", "Colchester", PRIMARY, COMMUNITY, None,
     "Military Road", "Colchester", "CO2 7EX", 600200, 224400),
    ("999020", "Stanway Heath Academy", "Colchester", SECONDARY, ACADEMY,
     "Colne and Stour Schools Trust", "Winstree Road", "Colchester", "CO3 0QE", 595300, 224100),
    ("999021", "Tiptree Heath Infant School", "Colchester", PRIMARY, COMMUNITY, None,
     "Church Road", "Tiptree", "CO5 0HE", 589200, 216100),
    ("999022", "Hythe Quay Learning Centre", "Colchester", NOT_APPLICABLE, PUPIL_REFERRAL_UNIT,
     None, "Hythe Quay", "Colchester", "CO2 8JB", 601700, 224500),
    ("999023", "Debden Vale Primary School", "Epping Forest", PRIMARY, COMMUNITY, None,
     "Rectory Lane", "Loughton", "IG10 3RU", 543900, 196800),
    ("999024", "Epping Lindsey Academy", "Epping Forest", SECONDARY, ACADEMY,
     "Forest Edge Academies", "Bury Lane", "Epping", "CM16 5HA", 545600, 202400),
    ("999025", "Cornmill Meadows School", "Epping Forest", NOT_APPLICABLE, SPECIAL, None,
     "Sewardstone Road", "Waltham Abbey", "EN9 1NX", 538100, 200300),
    ("999026", "Chigwell Row Infant School", "Epping Forest", PRIMARY, COMMUNITY, None,
     "Lambourne Road", "Chigwell", "IG7 6EZ", 546500, 193300),
    ("999027", "Netteswell Mead Primary School", "Harlow", PRIMARY, ACADEMY,
     "Stort Valley Learning Trust", "Park Lane", "Harlow", "CM20 2QH", 545100, 210500),
    ("999028", "Gibberd Academy", "Harlow", SECONDARY, SPONSORED_ACADEMY,
     "Stort Valley Learning Trust", "Fourth Avenue", "Harlow", "CM18 7AB", 544700, 208700),
    ("999029", "Mulberry Green Infant School", "Harlow", PRIMARY, COMMUNITY, None,
     "Mulberry Green", "Harlow", "CM17 0EX", 547700, 211400),
    ("999030", "Katherines Brook School", "Harlow", NOT_APPLICABLE, ACADEMY_SPECIAL,
     "Stort Valley Learning Trust", "Brookside", "Harlow", "CM19 5NH", 542600, 209100),
    ("999031", "Heybridge Basin Primary School", "Maldon", PRIMARY, COMMUNITY, None,
     "Basin Road", "Maldon", "CM9 4RS", 587000, 207200),
    ("999032", "Maldon Promenade Academy", "Maldon", SECONDARY, ACADEMY,
     "Blackwater Schools Partnership", "Fambridge Road", "Maldon", "CM9 6AW", 584600, 206200),
    ("999033", "Burnham Quayside Infant School", "Maldon", PRIMARY, VOLUNTARY_CONTROLLED, None,
     "Station Road", "Burnham-on-Crouch", "CM0 8HQ", 594900, 196400),
    ("999034", "Rayleigh Mount Primary School", "Rochford", PRIMARY, ACADEMY,
     "Crouch Vale Learning Trust", "Bellingham Lane", "Rayleigh", "SS6 7ED", 580800, 190700),
    ("999035", "Plumberow Academy", "Rochford", SECONDARY, ACADEMY,
     "Crouch Vale Learning Trust", "Plumberow Avenue", "Hockley", "SS5 5AU", 583700, 192800),
    ("999036", "Great Wakering Common Primary School", "Rochford", PRIMARY, COMMUNITY, None,
     "High Street", "Southend-on-Sea", "SS3 0EJ", 594700, 187600),
    ("999037", "Rochford Mill School", "Rochford", NOT_APPLICABLE, SPECIAL, None,
     "Hall Road", "Rochford", "SS4 1NW", 587500, 190700),
    ("999038", "Marine Parade Primary School", "Tendring", PRIMARY, ACADEMY,
     "Sunrise Coast Academies", "Marine Parade West", "Clacton-on-Sea", "CO15 1RA",
     617200, 214700),
    ("999039", "Dovercourt Bay Academy", "Tendring", SECONDARY, SPONSORED_ACADEMY,
     "Sunrise Coast Academies", "Main Road", "Harwich", "CO12 4AX", 624700, 231000),
    ("999040", "Frinton Esplanade Infant School", "Tendring", PRIMARY, COMMUNITY, None,
     "Connaught Avenue", "Frinton-on-Sea", "CO13 9PW", 623400, 219700),
    ("999041", "Brightlingsea Creek School", "Tendring", NOT_APPLICABLE, SPECIAL, None,
     "Ladysmith Avenue", "Brightlingsea", "CO7 0JD", 608500, 217300),
    ("999042", "Bridge End Primary School", "Uttlesford", PRIMARY, VOLUNTARY_CONTROLLED, None,
     "Bridge Street", "Saffron Walden", "CB10 1BU", 553600, 238600),
    ("999043", "Flitch Green Academy", "Uttlesford", SECONDARY, ACADEMY,
     "Uttlesford Schools Trust", "Parsonage Downs", "Dunmow", "CM6 2AT", 562600, 221900),
    ("999044", "Mountfitchet Windmill Infant School", "Uttlesford", PRIMARY, COMMUNITY, None,
     "Chapel Hill", "Stansted", "CM24 8AG", 551000, 224800),
]

# Role, email, full name, job title, URN of their school (None for an ELP admin).
DEMO_USERS = [
    (ROLE_ADMIN, "priya.shah@elp-demo.example", "Priya Shah", "Partnership manager", None),
    (ROLE_LEAD, "helen.carter@kingswood-meadow.example", "Helen Carter", "Headteacher",
     "999001"),
    (ROLE_MEMBER, "tom.reid@kingswood-meadow.example", "Tom Reid", "SENCo", "999001"),
    (ROLE_LEAD, "david.okafor@springfield-meadows.example", "David Okafor",
     "Deputy headteacher", "999016"),
    (ROLE_MEMBER, "sarah.lin@springfield-meadows.example", "Sarah Lin", "Head of English",
     "999016"),
    (ROLE_LEAD, "joanne.price@katherines-brook.example", "Joanne Price", "Outreach lead",
     "999030"),
    (ROLE_MEMBER, "marcus.bell@katherines-brook.example", "Marcus Bell",
     "Speech and language specialist", "999030"),
]

DEMO_URNS = [school[0] for school in DEMO_SCHOOLS]
ROLE_NAMES = {ROLE_ADMIN: "ELP admin", ROLE_LEAD: "School lead", ROLE_MEMBER: "Member"}
DISTRICT_CODES = {name: code for code, name in ESSEX_DISTRICTS.items()}


@dataclass
class DemoLogin:
    role: str
    email: str
    password: str
    school: str | None


@dataclass
class DemoLoad:
    """What load_demo() did, and the logins to show."""

    schools_created: int
    users_created: int
    users_restored: int  # existing demo users whose password or access was put back
    logins: list
    offers_created: int = 0
    requests_created: int = 0

    @property
    def changed_anything(self):
        return bool(
            self.schools_created
            or self.users_created
            or self.users_restored
            or self.offers_created
            or self.requests_created
        )


def load_demo():
    """Load the demo data that is not there yet and return what was done, with the logins."""
    with unit_of_work():
        schools_created = _load_schools()
        users_created, users_restored, logins = _load_users()
        offers = load_demo_offers()
    requests_created = load_demo_requests()  # each step commits, as a school's action does
    return DemoLoad(
        schools_created, users_created, users_restored, logins, offers.created, requests_created
    )


def _load_schools():
    existing = set(db.session.scalars(select(School.urn).where(School.urn.in_(DEMO_URNS))))
    created = 0
    for (urn, name, district, phase, establishment_type, trust, street, town, postcode,
         easting, northing) in DEMO_SCHOOLS:
        if urn in existing:
            continue
        db.session.add(
            School(
                urn=urn, name=name, la_code="881", la_name="Essex",
                district_code=DISTRICT_CODES[district], district=district, phase=phase,
                establishment_type=establishment_type, establishment_status="Open",
                trust=trust, street=street, town=town, postcode=postcode,
                easting=easting, northing=northing,
            )
        )
        created += 1
    db.session.flush()
    return created


def _load_users():
    """Create the demo users; make sure an existing one still signs in with the demo password."""
    schools = {
        school.urn: school
        for school in db.session.scalars(select(School).where(School.urn.in_(DEMO_URNS)))
    }
    # One hash for every demo user: scrypt is slow on purpose, and the password is public.
    password_hash = hash_password(DEMO_PASSWORD)
    created = restored = 0
    logins = []
    for role, email, full_name, job_title, urn in DEMO_USERS:
        school = schools[urn] if urn else None
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            db.session.add(
                User(
                    email=email, full_name=full_name, job_title=job_title, role=role,
                    school=school, password_hash=password_hash,
                )
            )
            created += 1
        elif not user.active or not password_matches(user.password_hash, DEMO_PASSWORD):
            user.password_hash = password_hash
            user.active = True
            restored += 1
        logins.append(DemoLogin(ROLE_NAMES[role], email, DEMO_PASSWORD, school and school.name))
    return created, restored, logins


@click.command("demo")
def demo_command():
    """Create the database if needed and load demo schools, users, offers and requests, printing the logins."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "The demo data has published passwords, so `elp demo` does not run in production."
        )
    flask_migrate.upgrade()
    result = load_demo()
    if result.changed_anything:
        summary = (
            f"{result.schools_created} new schools, {result.users_created} new users, "
            f"{result.offers_created} new offers, {result.requests_created} new requests"
        )
        if result.users_restored:
            summary += f", {result.users_restored} demo logins restored"
        click.echo(f"Loaded the demo data: {summary}.")
    else:
        click.echo("The demo data was already loaded; nothing changed.")
    click.echo("")
    click.echo(f"Demo logins, to sign in at {current_app.config['BASE_URL']}:")
    click.echo(f"  {'Role':<12} {'Email':<42} {'Password':<20} School")
    for login in result.logins:
        click.echo(
            f"  {login.role:<12} {login.email:<42} {login.password:<20} {login.school or '–'}"
        )
