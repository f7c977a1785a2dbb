//! Every send result × every read-back, for a link and an unlink: the one table of what
//! coglink concludes.

use super::*;
use crate::aws::FailureKind;
use crate::domain::cognito_error::link_messages::ALREADY_LINKED;
use crate::domain::{ErrorKind, LinkRequest, ProviderUserIdentifier, UnlinkRequest};

const POOL: &str = "us-east-1_T";

fn source() -> ProviderUserIdentifier {
    ProviderUserIdentifier::new("Google", Some("Cognito_Subject"), "777")
}

fn user(links: &[&str]) -> UserRecord {
    let identities: Vec<String> = links
        .iter()
        .map(|id| {
            format!(
                r#"{{"userId":"{id}","providerName":"Google","providerType":"Google","issuer":null,"primary":false,"dateCreated":1}}"#
            )
        })
        .collect();
    let mut attributes = vec![("sub".to_owned(), "s-1".to_owned())];
    if !identities.is_empty() {
        attributes.push(("identities".into(), format!("[{}]", identities.join(","))));
    }
    UserRecord::new(
        "alice".into(),
        "CONFIRMED".into(),
        true,
        attributes,
        None,
        None,
    )
}

fn link() -> Planned {
    let req = LinkRequest::new(
        POOL,
        ProviderUserIdentifier::cognito_user("alice"),
        source(),
    );
    Planned::link(req, &user(&["1"]))
}

fn unlink() -> Planned {
    Planned::Unlink {
        req: UnlinkRequest::new(POOL, source()),
        user: Some("alice".into()),
        counts: Some(LinkCounts::unlink(2)),
        destination: None,
    }
}

fn failure(kind: FailureKind, code: Option<&str>, message: &str) -> Failure {
    Failure {
        kind,
        code: code.map(str::to_owned),
        message: message.into(),
        hint: None,
    }
}

fn sends() -> Vec<(&'static str, Sent)> {
    let service =
        |kind: ErrorKind, m: &str| failure(FailureKind::Service(kind), Some(kind.type_name()), m);
    vec![
        ("ok", Sent::Ok),
        (
            "refused",
            Sent::Refused(service(ErrorKind::LimitExceeded, "too many")),
        ),
        (
            "already",
            Sent::Refused(service(ErrorKind::InvalidParameter, ALREADY_LINKED)),
        ),
        (
            "not sent",
            Sent::NotSent(failure(FailureKind::Network, None, "connection refused")),
        ),
        (
            "unclear",
            Sent::Unclear(failure(FailureKind::Timeout, None, "no answer")),
        ),
    ]
}

fn reads() -> Vec<(&'static str, ReadBack)> {
    vec![
        ("skipped", ReadBack::Skipped),
        ("shows it", ReadBack::Found(user(&["1", "777"]))),
        ("does not", ReadBack::Found(user(&["1"]))),
        ("gone", ReadBack::Gone),
        (
            "failed",
            ReadBack::Failed(failure(FailureKind::Timeout, None, "read timed out")),
        ),
    ]
}

/// (outcome status, verdict, counts after) for the link (1/5 -> 2/5 planned).
fn expected_link(sent: &str, read: &str) -> (&'static str, Verdict, usize) {
    use Verdict::*;
    match (sent, read) {
        ("ok", "shows it") => ("ok", Applied, 2),
        ("ok", "does not") => ("ok", Applied, 1), // the count as read
        ("ok", _) => ("ok", Applied, 2),          // the count as planned
        ("refused", "shows it") => ("rejected", NotApplied, 2),
        ("refused", "does not") => ("rejected", NotApplied, 1),
        ("refused", _) => ("rejected", NotApplied, 1),
        ("already", "shows it") => ("already_done", Applied, 2),
        ("already", "does not") => ("rejected", NotApplied, 1),
        ("already", _) => ("rejected", NotApplied, 1),
        ("not sent", "shows it") => ("failed", NotApplied, 2),
        ("not sent", "does not") => ("failed", NotApplied, 1),
        ("not sent", _) => ("failed", NotApplied, 1),
        ("unclear", "shows it") => ("unknown/applied", Applied, 2),
        ("unclear", "does not") => ("unknown/not_applied", NotApplied, 1),
        ("unclear", _) => ("unknown/unresolved", Unknown, 1),
        other => panic!("{other:?}"),
    }
}

/// The same for the unlink (2/5 -> 1/5 planned): "shows it" holds the identity still.
fn expected_unlink(sent: &str, read: &str) -> (&'static str, Verdict, usize) {
    use Verdict::*;
    match (sent, read) {
        ("ok", "shows it") => ("ok", Applied, 2),
        ("ok", "does not") => ("ok", Applied, 1),
        ("ok", _) => ("ok", Applied, 1),
        ("refused" | "already", "shows it") => ("rejected", NotApplied, 2),
        ("refused" | "already", "does not") => ("rejected", NotApplied, 1),
        ("refused" | "already", _) => ("rejected", NotApplied, 2),
        ("not sent", "shows it") => ("failed", NotApplied, 2),
        ("not sent", "does not") => ("failed", NotApplied, 1),
        ("not sent", _) => ("failed", NotApplied, 2),
        ("unclear", "shows it") => ("unknown/not_applied", NotApplied, 2),
        ("unclear", "does not") => ("unknown/applied", Applied, 1),
        ("unclear", _) => ("unknown/unresolved", Unknown, 2),
        other => panic!("{other:?}"),
    }
}

fn status(outcome: &Outcome) -> String {
    let v = serde_json::to_value(outcome).unwrap();
    match v["resolution"].as_str() {
        Some(r) => format!("{}/{r}", v["status"].as_str().unwrap()),
        None => v["status"].as_str().unwrap().to_owned(),
    }
}

#[test]
fn every_send_result_and_read_back_settles_one_way() {
    for (planned, expected) in [
        (link(), expected_link as fn(&str, &str) -> _),
        (unlink(), expected_unlink),
    ] {
        for (sent_name, sent) in sends() {
            for (read_name, read) in reads() {
                let s = settle(&planned, &sent, &read);
                let (outcome, verdict, after) = expected(sent_name, read_name);
                let case = format!("{} / {sent_name} / {read_name}", planned.verb());
                assert_eq!(status(&s.outcome), outcome, "{case}");
                assert_eq!(s.verdict(), verdict, "{case}");
                assert_eq!(s.counts.map(|c| c.after), Some(after), "{case}");
                assert_eq!(
                    s.counts.map(|c| c.before),
                    planned.counts().map(|c| c.before),
                    "{case}"
                );
                assert_eq!(s.failure.as_ref(), sent.failure(), "{case}");
                assert!(!s.summary().is_empty());
            }
        }
    }
}

#[test]
fn only_results_that_leave_a_question_are_read_insistently() {
    for (name, sent) in sends() {
        let need = read_need(&link(), &sent);
        let expected = match name {
            "ok" => ReadNeed::Counts,
            "unclear" | "already" => ReadNeed::Resolve,
            _ => ReadNeed::None,
        };
        assert_eq!(need, expected, "link / {name}");
        let need = read_need(&unlink(), &sent);
        let expected = match name {
            "ok" => ReadNeed::Counts,
            "unclear" => ReadNeed::Resolve,
            _ => ReadNeed::None,
        };
        assert_eq!(need, expected, "unlink / {name}");
    }
    // No user to read: an unlink of an identity nobody lists, or disabling password sign-in.
    let nobody = Planned::Unlink {
        req: UnlinkRequest::new(POOL, source()),
        user: None,
        counts: None,
        destination: None,
    };
    let unclear = Sent::Unclear(failure(FailureKind::Timeout, None, "x"));
    assert_eq!(read_need(&nobody, &unclear), ReadNeed::None);
    let password = Planned::Unlink {
        req: UnlinkRequest::new(POOL, ProviderUserIdentifier::cognito_user("alice")),
        user: Some("alice".into()),
        counts: None,
        destination: None,
    };
    assert_eq!(read_need(&password, &unclear), ReadNeed::None);
    assert_eq!(read_need(&password, &Sent::Ok), ReadNeed::None);
}

#[test]
fn the_wording_is_one_for_every_front_end() {
    let s = settle(&link(), &Sent::Ok, &ReadBack::Found(user(&["1", "777"])));
    assert_eq!(
        s.summary(),
        "Linked Google Cognito_Subject=777 to alice: 1/5 -> 2/5"
    );
    let unclear = Sent::Unclear(failure(FailureKind::Timeout, None, "no answer"));
    let s = settle(&link(), &unclear, &ReadBack::Found(user(&["1", "777"])));
    assert!(
        s.summary()
            .ends_with("(no clear answer from AdminLinkProviderForUser: no answer; confirmed by reading the user again)"),
        "{}",
        s.summary()
    );
    let s = settle(&link(), &unclear, &ReadBack::Found(user(&["1"])));
    assert!(s.summary().contains("NOT applied"), "{}", s.summary());
    assert!(
        s.summary().contains("Nothing was resent"),
        "{}",
        s.summary()
    );
    let s = settle(&unlink(), &unclear, &ReadBack::Found(user(&["1", "777"])));
    assert!(
        s.summary().contains("the identity is still linked"),
        "{}",
        s.summary()
    );
    let s = settle(&link(), &unclear, &ReadBack::Gone);
    assert!(s.summary().contains("UNKNOWN"), "{}", s.summary());
    let hostile = Planned::Link {
        req: LinkRequest::new(
            POOL,
            ProviderUserIdentifier::cognito_user("alice"),
            ProviderUserIdentifier::new("Google", Some("Cognito_Subject"), "7\u{1b}[2J"),
        ),
        user: "alice".into(),
        counts: LinkCounts::link(0),
    };
    let s = settle(&hostile, &Sent::Ok, &ReadBack::Skipped);
    assert!(!s.summary().contains('\u{1b}'), "terminal-safe");
}

#[test]
fn merge_steps_settle_by_what_reading_back_shows() {
    let delete = Planned::DeleteUser {
        pool_id: POOL.into(),
        user: "Google_1".into(),
    };
    let group = Planned::AddToGroup {
        pool_id: POOL.into(),
        user: "alice".into(),
        group: "admins".into(),
    };
    let attrs = Planned::CopyAttributes {
        pool_id: POOL.into(),
        user: "alice".into(),
        attributes: vec![("locale".into(), "fr".into())],
    };
    let unclear = || Sent::Unclear(failure(FailureKind::Timeout, None, "no answer"));
    let not_found = Sent::Refused(failure(
        FailureKind::Service(ErrorKind::UserNotFound),
        Some("UserNotFoundException"),
        "User does not exist.",
    ));
    let with_locale = |v: &str| {
        UserRecord::new(
            "alice".into(),
            "CONFIRMED".into(),
            true,
            vec![("locale".into(), v.into())],
            None,
            None,
        )
    };
    let cases: Vec<(&Planned, Sent, ReadBack, &str, Verdict)> = vec![
        (
            &delete,
            unclear(),
            ReadBack::Gone,
            "unknown/applied",
            Verdict::Applied,
        ),
        (
            &delete,
            unclear(),
            ReadBack::Found(user(&[])),
            "unknown/not_applied",
            Verdict::NotApplied,
        ),
        (
            &delete,
            unclear(),
            ReadBack::Failed(failure(FailureKind::Timeout, None, "x")),
            "unknown/unresolved",
            Verdict::Unknown,
        ),
        (
            &delete,
            not_found,
            ReadBack::Skipped,
            "already_done",
            Verdict::Applied,
        ),
        (&delete, Sent::Ok, ReadBack::Skipped, "ok", Verdict::Applied),
        (
            &group,
            unclear(),
            ReadBack::Groups(vec!["admins".into()]),
            "unknown/applied",
            Verdict::Applied,
        ),
        (
            &group,
            unclear(),
            ReadBack::Groups(vec!["other".into()]),
            "unknown/not_applied",
            Verdict::NotApplied,
        ),
        (
            &group,
            unclear(),
            ReadBack::Gone,
            "unknown/unresolved",
            Verdict::Unknown,
        ),
        (
            &attrs,
            unclear(),
            ReadBack::Found(with_locale("fr")),
            "unknown/applied",
            Verdict::Applied,
        ),
        (
            &attrs,
            unclear(),
            ReadBack::Found(with_locale("en")),
            "unknown/not_applied",
            Verdict::NotApplied,
        ),
    ];
    for (planned, sent, read, outcome, verdict) in cases {
        let s = settle(planned, &sent, &read);
        let case = format!("{} / {sent:?} / {read:?}", planned.verb());
        assert_eq!(status(&s.outcome), outcome, "{case}");
        assert_eq!(s.verdict(), verdict, "{case}");
        assert_eq!(s.counts, None, "{case}");
    }
    // Each reads back insistently after an unclear answer, and not after a clear one.
    for planned in [&delete, &group, &attrs] {
        assert_eq!(read_need(planned, &unclear()), ReadNeed::Resolve);
        assert_eq!(read_need(planned, &Sent::Ok), ReadNeed::None);
    }
    assert_eq!(
        settle(&delete, &Sent::Ok, &ReadBack::Skipped).summary(),
        "Deleted user Google_1"
    );
    assert_eq!(
        settle(&group, &Sent::Ok, &ReadBack::Skipped).summary(),
        "Added alice to group admins"
    );
}

#[test]
fn already_done_is_worded_whole_whatever_the_identity_holds() {
    // A SAML subject holding ':' is not cut at it.
    let source = ProviderUserIdentifier::new("CorpSAML", Some("Cognito_Subject"), "urn:x:7");
    let req = LinkRequest::new(
        POOL,
        ProviderUserIdentifier::cognito_user("alice"),
        source.clone(),
    );
    let planned = Planned::link(req, &user(&[]));
    let f = failure(
        FailureKind::Service(ErrorKind::InvalidParameter),
        Some("InvalidParameterException"),
        ALREADY_LINKED,
    );
    let holds = UserRecord::new(
        "alice".into(),
        "CONFIRMED".into(),
        true,
        vec![(
            "identities".into(),
            r#"[{"userId":"urn:x:7","providerName":"CorpSAML","providerType":"SAML","issuer":null,"primary":false,"dateCreated":1}]"#.into(),
        )],
        None,
        None,
    );
    let s = settle(&planned, &Sent::Refused(f), &ReadBack::Found(holds));
    assert_eq!(status(&s.outcome), "already_done");
    assert_eq!(
        s.summary(),
        "Linked CorpSAML Cognito_Subject=urn:x:7 to alice already, as asked (Cognito answered \
         InvalidParameterException; confirmed by reading the user again): nothing to do"
    );
    // A user to delete found gone was not read back.
    let delete = Planned::DeleteUser {
        pool_id: POOL.into(),
        user: "Google_1".into(),
    };
    let gone = Sent::Refused(failure(
        FailureKind::Service(ErrorKind::UserNotFound),
        Some("UserNotFoundException"),
        "User does not exist.",
    ));
    assert_eq!(
        settle(&delete, &gone, &ReadBack::Skipped).summary(),
        "Deleted user Google_1 already, as asked (Cognito answered UserNotFoundException): \
         nothing to do"
    );
}
