#!/usr/bin/env python3
"""Generate assets/demo-pool.json, the demo state of the local Cognito endpoint.

Deterministic (seeded RNG, fixed clock), Python 3.11 standard library only:

    python3 scripts/gen-demo-pool.py > assets/demo-pool.json

The output uses the local endpoint's state-file format (src/local/store.rs, StateFile):
pools with identity providers and users; user attributes are name/value pairs; the
`identities` attribute is a JSON-encoded string exactly as Cognito stores it.

Contents of the main pool (us-east-1_DemoPool1, "acme-customers"):
  * identity providers of every type: Google, Facebook, LoginWithAmazon, SignInWithApple,
    two SAML (CorpSAML with an inline metadata document, PartnerSAML with a metadata URL)
    and two OIDC (Okta, Auth0), SAML/OIDC with attribute mappings;
  * ~300 native users, mostly CONFIRMED, some FORCE_CHANGE_PASSWORD, UNCONFIRMED,
    RESET_REQUIRED, a few disabled;
  * ~100 federated users (status EXTERNAL_PROVIDER, own primary identity);
  * linked identities: most users none, some 1-3, several exactly 4 and exactly 5;
  * one user whose name carries terminal escape and bidi-override characters, on purpose:
    pool text is untrusted, and the demo should exercise the console's sanitizing.
  * people with two accounts (a native user and a Google_/Facebook_/SAML user with the same
    email or phone; verified and unverified; case variants; one already linked properly;
    one at 4 links) and four groups with members, for the duplicate finder and merge.
A second small pool (us-east-1_DemoPool2, "acme-staff", case-sensitive usernames) has a few
users and one SAML provider.
"""

import json
import random
import sys

RNG = random.Random(20240517)
BASE_MS = 1678788000000  # 2023-03-14T10:00:00Z
DAY_MS = 86_400_000

FIRST = """Olivia Liam Emma Noah Ava Oliver Sophia Elijah Isabella James Mia William Amelia
Benjamin Harper Lucas Evelyn Henry Abigail Alexander Emily Michael Ella Daniel Elizabeth Jacob
Camila Logan Luna Jackson Sofia Sebastian Avery Jack Mila Aiden Aria Owen Scarlett Samuel Penelope
Matthew Layla Joseph Chloe Levi Victoria Mateo Madison David Eleanor John Grace Wyatt Nora Carter
Riley Julian Zoey Luke Hannah Grayson Hazel Isaac Lily Jayden Ellie Theodore Violet Gabriel Lillian
Anthony Zoë Dylan Nova Leo Emilia Lincoln Aurora Jaxon Stella Asher Maya Christopher Paisley Josiah
Naomi Andrew Elena Thomas Sarah Joshua Ariana Ezra Allison Hudson Gabriella Charles Alice Caleb
Madelyn Isaiah Cora Ryan Ruby Nathan Eva Adrian Serenity Christian Autumn José Ingrid Søren Aiko
Wei Priya Arjun Fatima Omar Yuki Chiara Mateus Björn Siobhán""".split()

LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez
Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green
Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz
Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan
Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood
James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster
O'Brien Müller Nakamura Okafor Kowalski Lindqvist Haddad Rossi Dubois Ivanova Chen""".split()

DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "acme-mail.io",
           "fastmail.com", "hey.com"]

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def uuid4() -> str:
    n = RNG.getrandbits(128)
    n &= ~(0xF << 76)
    n |= 0x4 << 76
    n &= ~(0x3 << 62)
    n |= 0x2 << 62
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def digits(n: int, first: str = "") -> str:
    return first + "".join(RNG.choice("0123456789") for _ in range(n - len(first)))


def ascii_fold(s: str) -> str:
    table = str.maketrans({"é": "e", "ë": "e", "ø": "o", "ö": "o", "ü": "u", "å": "a",
                           "á": "a", "'": "", "Ø": "O", "Ö": "O", "Ü": "U", "Å": "A"})
    return s.translate(table)


def when(lo_days: int, hi_days: int) -> int:
    return BASE_MS + RNG.randint(lo_days * DAY_MS, hi_days * DAY_MS) + RNG.randint(0, 999)


def attr(name, value):
    return {"name": name, "value": value}


def person():
    first, last = RNG.choice(FIRST), RNG.choice(LAST)
    return first, last


def email_for(first, last):
    local = ascii_fold(f"{first}.{last}".lower())
    if RNG.random() < 0.2:
        local += str(RNG.randint(1, 99))
    if RNG.random() < 0.05:
        local += "+shop"
    return f"{local}@{RNG.choice(DOMAINS)}"


def phone():
    return f"+1{RNG.choice(['206', '312', '415', '512', '617', '646', '720'])}555{digits(4)}"


# --- identity providers -------------------------------------------------------------------

CORP_ENTITY = "http://www.okta.com/exk4corpsaml0001"
CORP_METADATA = (
    '<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor '
    'xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="' + CORP_ENTITY + '">'
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
    'Location="https://corp.example.com/sso/saml"/></md:IDPSSODescriptor></md:EntityDescriptor>'
)
PARTNER_METADATA_URL = "https://idp.partner.example.net/saml/metadata"
OKTA_ISSUER = "https://acme.okta.com/oauth2/default"
AUTH0_ISSUER = "https://acme-demo.us.auth0.com/"


def idp(name, ptype, details, mapping, created_days, identifiers=()):
    t = when(created_days, created_days)
    return {
        "name": name,
        "providerType": ptype,
        "details": details,
        "attributeMapping": mapping,
        "idpIdentifiers": list(identifiers),
        "createdMs": t,
        "modifiedMs": t + RNG.randint(0, 40) * DAY_MS,
    }


def social_details(scopes):
    return {"client_id": digits(12) + "-" + "".join(RNG.choice(ALNUM.lower()) for _ in range(32))
            + ".apps.example", "client_secret": "local-demo-secret-" + digits(8),
            "authorize_scopes": scopes}


PROVIDERS = [
    idp("Google", "Google", social_details("profile email openid"),
        {"email": "email", "given_name": "given_name", "family_name": "family_name",
         "username": "sub"}, 2),
    idp("Facebook", "Facebook", social_details("public_profile,email"),
        {"email": "email", "name": "name", "username": "id"}, 2),
    idp("LoginWithAmazon", "LoginWithAmazon", social_details("profile postal_code"),
        {"email": "email", "name": "name", "username": "user_id"}, 9),
    idp("SignInWithApple", "SignInWithApple",
        {"client_id": "com.acme.customers.signin", "team_id": "ACME7TEAM1",
         "key_id": "KEY8APPLE2", "authorize_scopes": "email name"},
        {"email": "email", "username": "sub"}, 30),
    idp("CorpSAML", "SAML", {"MetadataFile": CORP_METADATA, "IDPSignout": "false"},
        {"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
         "name": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"}, 45,
        ["corp.example.com"]),
    idp("PartnerSAML", "SAML", {"MetadataURL": PARTNER_METADATA_URL},
        {"email": "urn:oid:0.9.2342.19200300.100.1.3", "family_name": "urn:oid:2.5.4.4"}, 120,
        ["partner.example.net"]),
    idp("Okta", "OIDC",
        {"client_id": "0oa" + "".join(RNG.choice(ALNUM) for _ in range(17)),
         "client_secret": "local-demo-secret-" + digits(8), "attributes_request_method": "GET",
         "oidc_issuer": OKTA_ISSUER, "authorize_scopes": "openid email profile"},
        {"email": "email", "email_verified": "email_verified", "preferred_username":
         "preferred_username", "username": "sub"}, 60),
    idp("Auth0", "OIDC",
        {"client_id": "".join(RNG.choice(ALNUM) for _ in range(32)),
         "client_secret": "local-demo-secret-" + digits(8), "attributes_request_method": "GET",
         "oidc_issuer": AUTH0_ISSUER, "authorize_scopes": "openid email"},
        {"email": "email", "name": "name", "username": "sub"}, 200),
]
PTYPE = {p["name"]: p["providerType"] for p in PROVIDERS}
# The `issuer` of `identities` entries: the SAML IdP's entity id; null for OIDC (every public
# OIDC entry has `issuer: null`, shared/cognito-fidelity.md (b)8) and for social providers.
ISSUER = {"CorpSAML": CORP_ENTITY, "PartnerSAML": PARTNER_METADATA_URL}


def subject(provider, email):
    """A provider-specific subject, shaped like the real ones."""
    if provider == "Google":
        return digits(21, "1")
    if provider == "Facebook":
        return digits(RNG.choice([15, 16, 17]), "1")
    if provider == "SignInWithApple":
        return f"00{digits(4)}.{RNG.getrandbits(128):032x}.{digits(4)}"
    if provider == "LoginWithAmazon":
        return "amzn1.account." + "".join(RNG.choice(UPPER_ALNUM) for _ in range(28))
    if provider in ("CorpSAML", "PartnerSAML"):
        return email
    if provider == "Okta":
        return "00u" + "".join(RNG.choice(ALNUM) for _ in range(17))
    return "auth0|" + f"{RNG.getrandbits(96):024x}"


def identity(provider, user_id, primary, created):
    return {"userId": user_id, "providerName": provider, "providerType": PTYPE[provider],
            "issuer": ISSUER.get(provider), "primary": primary, "dateCreated": created}


USED_USERNAMES = set()
USED_IDENTITIES = set()


def unique_username(base):
    name, n = base, 1
    while name.lower() in USED_USERNAMES:
        n += 1
        name = f"{base}{n}"
    USED_USERNAMES.add(name.lower())
    return name


def new_identity(provider, email):
    while True:
        s = subject(provider, email)
        if (provider, s) not in USED_IDENTITIES:
            USED_IDENTITIES.add((provider, s))
            return s
        email = "x" + email


def native_user(i):
    first, last = person()
    email = email_for(first, last)
    username = unique_username(ascii_fold(f"{first}.{last}".lower()))
    created = when(10, 900)
    r = RNG.random()
    status = ("CONFIRMED" if r < 0.80 else "FORCE_CHANGE_PASSWORD" if r < 0.88
              else "UNCONFIRMED" if r < 0.95 else "RESET_REQUIRED")
    attrs = [attr("sub", uuid4()), attr("email", email),
             attr("email_verified", "true" if status == "CONFIRMED" else "false"),
             attr("given_name", first), attr("family_name", last), attr("name", f"{first} {last}")]
    if RNG.random() < 0.55:
        attrs.append(attr("phone_number", phone()))
        attrs.append(attr("phone_number_verified", RNG.choice(["true", "false"])))
    if RNG.random() < 0.25:
        attrs.append(attr("preferred_username", ascii_fold(first.lower()) + digits(3)))
    if RNG.random() < 0.3:
        attrs.append(attr("custom:tier", RNG.choice(["gold", "silver", "bronze"])))
    return {"username": username, "attributes": attrs,
            "enabled": not (i % 37 == 5), "status": status,
            "createdMs": created, "modifiedMs": created + RNG.randint(0, 200) * DAY_MS}


def federated_user(provider):
    first, last = person()
    email = email_for(first, last)
    if provider in ("CorpSAML", "PartnerSAML"):
        email = ascii_fold(f"{first}.{last}".lower()) + (
            "@corp.example.com" if provider == "CorpSAML" else "@partner.example.net")
    s = new_identity(provider, email)
    username = unique_username(f"{provider}_{s}")
    created = when(30, 900)
    attrs = [attr("sub", uuid4()),
             attr("identities", json.dumps([identity(provider, s, True, created)],
                                           separators=(",", ":"))),
             attr("email", email), attr("email_verified", "false")]
    if provider in ("Google", "Facebook", "Auth0", "CorpSAML"):
        attrs.append(attr("name", f"{first} {last}"))
    if provider in ("Google",):
        attrs += [attr("given_name", first), attr("family_name", last)]
    return {"username": username, "attributes": attrs, "enabled": True,
            "status": "EXTERNAL_PROVIDER", "createdMs": created,
            "modifiedMs": created + RNG.randint(0, 100) * DAY_MS}


def add_links(user, count):
    """Appends `count` linked identities (primary false) to a user, as AdminLinkProviderForUser
    does; SAML links go by email and record that attribute name."""
    ids = []
    for a in user["attributes"]:
        if a["name"] == "identities":
            ids = json.loads(a["value"])
    email = next(a["value"] for a in user["attributes"] if a["name"] == "email")
    taken = {i["providerName"] for i in ids}
    choices = [p["name"] for p in PROVIDERS if p["name"] not in taken]
    RNG.shuffle(choices)
    link_attrs = []
    for provider in choices[:count]:
        s = new_identity(provider, email)
        ids.append(identity(provider, s, False, user["createdMs"] + RNG.randint(1, 300) * DAY_MS))
        if PTYPE[provider] == "SAML":
            link_attrs.append({"providerName": provider, "userId": s, "attributeName": "email"})
    user["attributes"] = [a for a in user["attributes"] if a["name"] != "identities"]
    user["attributes"].append(attr("identities", json.dumps(ids, separators=(",", ":"))))
    user["modifiedMs"] = max(i["dateCreated"] for i in ids)
    if link_attrs:
        user["linkAttributes"] = link_attrs


def main_pool():
    users = [native_user(i) for i in range(300)]
    fed_plan = (["Google"] * 34 + ["Facebook"] * 20 + ["SignInWithApple"] * 12
                + ["LoginWithAmazon"] * 8 + ["CorpSAML"] * 12 + ["PartnerSAML"] * 4
                + ["Okta"] * 8 + ["Auth0"] * 4)
    feds = [federated_user(p) for p in fed_plan]
    # Link counts for native users: most none, some 1-3, exactly 4 and 5 for a few.
    plan = [5] * 4 + [4] * 5 + [3] * 8 + [2] * 18 + [1] * 45
    for user, count in zip(RNG.sample(users, len(plan)), plan):
        add_links(user, count)
    for user, count in zip(RNG.sample(feds, 3), [1, 2, 4]):
        add_links(user, count)
    hostile = native_user(999)
    hostile["username"] = unique_username("mallory.test")
    hostile["attributes"] = [a for a in hostile["attributes"]
                             if a["name"] not in ("name", "given_name")]
    hostile["attributes"] += [attr("name", "Mallory \u001b[31mRed\u001b[0m \u202eevil"),
                              attr("given_name", "Mallory\u0007")]
    users.append(hostile)
    all_users = users + feds
    all_users.sort(key=lambda u: u["username"].lower())
    return {"id": "us-east-1_DemoPool1", "name": "acme-customers", "createdMs": BASE_MS,
            "modifiedMs": BASE_MS + 400 * DAY_MS, "usernameCaseSensitive": False,
            "identityProviders": PROVIDERS, "users": all_users}


def staff_pool():
    staff_idp = idp("CorpSAML", "SAML", {"MetadataFile": CORP_METADATA},
                    {"email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"},
                    5, ["corp.example.com"])
    users = []
    for i in range(12):
        first, last = person()
        username = ascii_fold(f"{first[0]}{last}".lower()).replace("'", "")
        if username.lower() in {u["username"].lower() for u in users}:
            username += str(i)
        created = when(5, 600)
        users.append({"username": username, "attributes": [
            attr("sub", uuid4()),
            attr("email", ascii_fold(f"{first}.{last}".lower()) + "@acme.example.com"),
            attr("email_verified", "true"), attr("name", f"{first} {last}")],
            "enabled": i != 7, "status": "CONFIRMED" if i % 5 else "FORCE_CHANGE_PASSWORD",
            "createdMs": created, "modifiedMs": created})
    users.sort(key=lambda u: u["username"])
    return {"id": "us-east-1_DemoPool2", "name": "acme-staff", "createdMs": BASE_MS + 3 * DAY_MS,
            "modifiedMs": BASE_MS + 3 * DAY_MS, "usernameCaseSensitive": True,
            "identityProviders": [staff_idp], "users": users}


def email_of(user):
    return next(a["value"] for a in user["attributes"] if a["name"] == "email")


def set_attr(user, name, value):
    user["attributes"] = [a for a in user["attributes"] if a["name"] != name]
    user["attributes"].append(attr(name, value))


def federated_twin(provider, native, email, verified):
    """The user an external identity makes when it signs in on its own with the same person's
    email: `<Provider>_<subject>`, EXTERNAL_PROVIDER, its own primary identity."""
    twin = federated_user(provider)
    s = json.loads(next(a["value"] for a in twin["attributes"] if a["name"] == "identities"))
    subject_ = s[0]["userId"]
    if PTYPE[provider] == "SAML":
        # SAML subjects are emails here: the twin's subject is the person's email.
        USED_IDENTITIES.discard((provider, subject_))
        subject_ = new_identity(provider, email)
        s[0]["userId"] = subject_
        USED_USERNAMES.discard(twin["username"].lower())
        twin["username"] = unique_username(f"{provider}_{subject_}")
        set_attr(twin, "identities", json.dumps(s, separators=(",", ":")))
    set_attr(twin, "email", email)
    set_attr(twin, "email_verified", "true" if verified else "false")
    for name in ("name", "given_name", "family_name"):
        value = next((a["value"] for a in native["attributes"] if a["name"] == name), None)
        if value is not None and any(a["name"] == name for a in twin["attributes"]):
            set_attr(twin, name, value)
    twin["createdMs"] = max(twin["createdMs"], native["createdMs"] + DAY_MS)
    twin["modifiedMs"] = max(twin["modifiedMs"], twin["createdMs"])
    return twin


def add_duplicates_and_groups(pool):
    """People with two accounts, for the duplicate finder and merge (generated after every
    other draw, so the rest of the demo stays as it was):
      * mergeable pairs: a native user and a Google_/Facebook_/CorpSAML_ user with the same
        email, verified on both sides (one with the email in another case);
      * unverified pairs: the email unverified on the native side, or on the federated side;
      * two native users whose emails differ only in case, and a Google_ user with it;
      * one native user that already has an identity linked properly, plus a Facebook_ twin;
      * a native user at 4 links with a Google_ twin that itself holds a linked identity
        (merging both identities would pass 5 links);
      * a pair found by phone number only.
    And groups with members, some of them federated twins (a merge must copy groups)."""
    users = pool["users"]
    added = []

    def native(verified=True, email=None, links=0):
        u = native_user(1000 + len(added))
        u["enabled"] = True
        u["status"] = "CONFIRMED" if verified else "UNCONFIRMED"
        if email is not None:
            set_attr(u, "email", email)
        set_attr(u, "email_verified", "true" if verified else "false")
        if links:
            add_links(u, links)
        added.append(u)
        return u

    def twin(provider, of, verified=True, email=None):
        t = federated_twin(provider, of, email or email_of(of), verified)
        added.append(t)
        return t

    mergeable = []
    for provider in ["Google", "Google", "Google", "Facebook", "CorpSAML"]:
        n = native()
        if provider == "CorpSAML":
            set_attr(n, "email", ascii_fold(email_of(n).split("@")[0]) + "@corp.example.com")
        mergeable.append((n, twin(provider, n)))
    n = native()
    mergeable.append((n, twin("Google", n, email=email_of(n).upper())))
    n = native(verified=False)
    twin("Google", n)
    n = native()
    twin("Facebook", n, verified=False)
    first = native()
    variant = email_of(first)
    native(email=variant[0].upper() + variant[1:])
    twin("Google", first, email=variant.lower())
    linked = native(links=1)
    twin("Facebook", linked)
    full = native(links=4)
    crowded = twin("Google", full)
    add_links(crowded, 1)
    by_phone = native()
    phone_number = phone()
    set_attr(by_phone, "phone_number", phone_number)
    set_attr(by_phone, "phone_number_verified", "true")
    other = twin("Google", by_phone, email="p" + email_of(by_phone))
    set_attr(other, "phone_number", phone_number)
    users.extend(added)
    users.sort(key=lambda u: u["username"].lower())

    natives = [u for u in users if u["status"] != "EXTERNAL_PROVIDER"]
    twins = [t for _, t in mergeable]

    def group(name, description, precedence, members):
        created = when(100, 800)
        return {"name": name, "description": description, "precedence": precedence,
                "createdMs": created, "modifiedMs": created,
                "members": sorted({m["username"] for m in members}, key=str.lower)}

    pool["groups"] = [
        group("admins", "Back-office administrators", 1, RNG.sample(natives, 3)),
        group("support", "Support agents", 5, RNG.sample(natives, 6)),
        group("beta-testers", "Early access to new features", 10,
              RNG.sample(natives, 12) + twins[:3]),
        group("premium", "Paying customers", 20, RNG.sample(natives, 25) + twins[2:5]),
    ]


def main():
    customers = main_pool()
    staff = staff_pool()
    add_duplicates_and_groups(customers)
    state = {"format": "coglink-local-state", "version": 1,
             "pools": [customers, staff]}
    json.dump(state, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
