//! The rule language, case by case, on a small taxonomy of its own, so that
//! these tests do not move when the default rules are tuned.

use ticket_tagger::{Reason, Tagger, Tags, Ticket, Zone};

const TAXONOMY: &str = r#"
version = "test-1"

[negation]
cues = ["not", "no longer", "isn't", "never", "without"]
window = 3

[fields]
subject = { weight = 2.0 }
body = { weight = 1.0 }

[[work_kind]]
id = "defect"

[[work_kind]]
id = "training"

[[category]]
id = "access"
work = "training"

[[category]]
id = "failure"
work = "defect"

[[category]]
id = "limits"
work = "defect"
threshold = 2.0

[[rule]]
id = "access.words"
category = "access"
keywords = ["permission", "permissions", "zugriff verweigert", "token", "无法登录", "ログイン"]

[[rule]]
id = "failure.words"
category = "failure"
keywords = ["échec", "crash", "timeout"]

[[rule]]
id = "failure.trace"
category = "failure"
patterns = ['\bat [\w.]+\(\w+\.java:\d+\)']
zones = ["code"]

[[rule]]
id = "failure.quoted"
category = "failure"
keywords = ["previous ticket"]
zones = ["quote"]

[[rule]]
id = "failure.subject"
category = "failure"
keywords = ["broken"]
fields = ["subject"]

[[rule]]
id = "access.exact"
category = "access"
keywords = ["SSO"]
case_sensitive = true

[[rule]]
id = "access.substring"
category = "access"
keywords = ["oauth"]
substring = true

[[rule]]
id = "limits.quota"
category = "limits"
keywords = ["quota"]
patterns = ['\b429\b']

[[rule]]
id = "limits.plan"
category = "limits"
keywords = ["plan limit"]
all = ["upgrade"]
exclude = ["billing address"]
weight = 2.0

[[rule]]
id = "limits.unnegated"
category = "limits"
keywords = ["never throttled"]
negation = false
weight = 2.0
"#;

fn tagger() -> Tagger {
    match Tagger::from_toml(TAXONOMY) {
        Ok(tagger) => tagger,
        Err(error) => panic!("test taxonomy must load:\n{error}"),
    }
}

fn primary_of(tagger: &Tagger, body: &str) -> Option<String> {
    tagger.tag_text(body).primary.map(str::to_string)
}

#[test]
fn keywords_fold_case_across_unicode_and_respect_word_boundaries() {
    let tagger = tagger();
    let cases: &[(&str, Option<&str>)] = &[
        ("ÉCHEC de la synchronisation", Some("failure")),
        ("un échec total", Some("failure")),
        ("ZUGRIFF VERWEIGERT beim Export", Some("access")),
        ("Zugriff verweigert", Some("access")),
        ("my token expired", Some("access")),
        ("the tokenizer is slow", None),
        ("tokens everywhere", None),
        ("PERMISSIONS!", Some("access")),
        // Scripts without spaces: the keyword is found inside a run of text.
        ("今天无法登录系统", Some("access")),
        ("昨日からログインできません", Some("access")),
        // Case-sensitive rule: `SSO` matches, `sso` does not.
        ("SSO loop", Some("access")),
        ("sso loop", None),
        // Substring rule: `oauth` matches inside a longer word.
        ("the OAuth2 flow", Some("access")),
        ("", None),
    ];
    for &(body, want) in cases {
        assert_eq!(primary_of(&tagger, body).as_deref(), want, "body {body:?}");
    }
}

#[test]
fn negation_suppresses_hits_in_the_same_clause_within_the_window() {
    let tagger = tagger();
    let cases: &[(&str, Option<&str>)] = &[
        ("this is not a permissions problem", None),
        ("this isn't about permission", None),
        ("it no longer shows a crash", None),
        // Outside the window of three words.
        ("not that I can tell what the permission says", Some("access")),
        // A clause break ends the cue's reach.
        ("not sure why, but permission denied", Some("access")),
        ("no idea. permission denied", Some("access")),
        // A rule with negation off keeps its hits.
        ("we were never throttled before", Some("limits")),
    ];
    for &(body, want) in cases {
        assert_eq!(primary_of(&tagger, body).as_deref(), want, "body {body:?}");
    }
}

#[test]
fn explain_reports_the_negation_cue_and_its_span() {
    let tagger = tagger();
    let body = "this is not a permissions problem";
    let tags = tagger.explain(&Ticket::from(body));
    let suppressed = tags.suppressed.unwrap_or_default();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0].hit.text, "permissions");
    assert_eq!(suppressed[0].hit.rule, "access.words");
    assert_eq!(suppressed[0].reason, Reason::Negation { cue: "not", cue_start: 8, cue_end: 11 });
    assert_eq!(&body[8..11], "not");
}

#[test]
fn required_terms_and_exclusions_gate_a_rule() {
    let tagger = tagger();
    let cases: &[(&str, Option<&str>)] = &[
        ("we hit the plan limit", None),
        ("we hit the plan limit, how do we upgrade", Some("limits")),
        ("plan limit; upgrade failed at the billing address step", None),
    ];
    for &(body, want) in cases {
        assert_eq!(primary_of(&tagger, body).as_deref(), want, "body {body:?}");
    }

    let tags = tagger.explain(&Ticket::from("we hit the plan limit"));
    let reasons: Vec<_> =
        tags.suppressed.unwrap_or_default().into_iter().map(|s| s.reason).collect();
    assert_eq!(reasons, [Reason::MissingRequired { term: "upgrade" }]);

    let body = "plan limit; upgrade failed at the billing address step";
    let tags = tagger.explain(&Ticket::from(body));
    let reasons: Vec<_> =
        tags.suppressed.unwrap_or_default().into_iter().map(|s| s.reason).collect();
    assert_eq!(
        reasons,
        [Reason::Exclusion {
            term: "billing address",
            term_field: "body",
            term_start: 34,
            term_end: 49
        }]
    );
}

#[test]
fn zones_keep_pasted_logs_and_quotes_apart_from_prose() {
    let tagger = tagger();
    let log = "Export fails:\n```\njava.lang.IllegalStateException: timeout\n    at com.acme.Export(Export.java:42)\n```\n";

    // `timeout` is inside the fence, so the prose rule ignores it, while the
    // stack-trace rule reads only code and fires.
    let tags = tagger.explain(&Ticket::from(log));
    assert_eq!(tags.primary, Some("failure"));
    let evidence = &tags.tags[0].evidence;
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].rule, "failure.trace");
    assert_eq!(evidence[0].zone, Zone::Code);
    let suppressed = tags.suppressed.unwrap_or_default();
    assert!(
        suppressed.iter().any(|s| s.hit.text == "timeout" && s.reason == Reason::Zone),
        "{suppressed:?}"
    );

    // The same trace as prose does not fire the code-only rule.
    assert_eq!(primary_of(&tagger, "at com.acme.Export(Export.java:42)"), None);

    // Quoted replies are their own zone.
    assert_eq!(primary_of(&tagger, "> see the previous ticket\nthanks"), Some("failure".into()));
    assert_eq!(primary_of(&tagger, "see the previous ticket"), None);
}

#[test]
fn fields_scope_rules_and_weigh_their_hits() {
    let tagger = tagger();
    let subject_only = Ticket::new().with_field("subject", "Search broken").with_field("body", "");
    assert_eq!(tagger.tag(&subject_only).primary, Some("failure"));
    let body_only = Ticket::new().with_field("subject", "").with_field("body", "Search broken");
    assert_eq!(tagger.tag(&body_only).primary, None);

    // A subject hit weighs 2.0, a body hit 1.0, an undeclared field 1.0.
    let cases: &[(&str, f64)] = &[("subject", 2.0), ("body", 1.0), ("notes", 1.0)];
    for &(field, want) in cases {
        let ticket = Ticket::new().with_field(field, "app crash");
        let tags = tagger.tag(&ticket);
        assert_eq!(tags.tags[0].score, want, "field {field}");
        assert_eq!(tags.tags[0].evidence[0].field, field);
    }

    // A rule counts once per ticket, at its heaviest field.
    let both = Ticket::new().with_field("subject", "crash").with_field("body", "crash crash");
    let tags = tagger.tag(&both);
    assert_eq!(tags.tags[0].score, 2.0);
    assert_eq!(tags.tags[0].evidence.len(), 3);
}

#[test]
fn thresholds_and_ties_decide_tags_and_primary() {
    let tagger = tagger();
    // `limits` needs a score of 2.0: one body hit is not enough, and a
    // second hit of the same rule adds nothing; a subject hit weighs 2.0.
    assert_eq!(primary_of(&tagger, "quota reached"), None);
    assert_eq!(primary_of(&tagger, "quota reached, error 429"), None);
    let subject = Ticket::new().with_field("subject", "quota reached");
    assert_eq!(tagger.tag(&subject).primary, Some("limits"));

    // Explain mode keeps the evidence of a category under its threshold.
    let tags = tagger.explain(&Ticket::from("quota reached"));
    let suppressed = tags.suppressed.unwrap_or_default();
    assert_eq!(suppressed.len(), 1);
    assert_eq!((suppressed[0].category, suppressed[0].hit.text), ("limits", "quota"));
    assert_eq!(suppressed[0].reason, Reason::BelowThreshold { score: 1.0, threshold: 2.0 });

    // Equal scores: the category defined first in the taxonomy wins, and
    // the order of the text does not matter.
    for body in ["permission error then a crash", "a crash then a permission error"] {
        let tags = tagger.tag_text(body);
        let order: Vec<_> = tags.tags.iter().map(|t| (t.category, t.score)).collect();
        assert_eq!(order, [("access", 1.0), ("failure", 1.0)], "{body}");
        assert_eq!(tags.primary, Some("access"));
        assert_eq!(tags.work, Some("training"));
    }

    // A higher score wins over file order.
    let ticket = Ticket::new().with_field("subject", "crash").with_field("body", "permission");
    assert_eq!(tagger.tag(&ticket).primary, Some("failure"));
}

#[test]
fn evidence_spans_slice_the_original_text_after_folding() {
    let tagger = tagger();
    let body = "İİİ ÉCHEC — ZUGRIFF VERWEIGERT; token";
    let tags = tagger.tag_text(body);
    let mut seen = Vec::new();
    for tag in &tags.tags {
        for evidence in &tag.evidence {
            assert_eq!(&body[evidence.start..evidence.end], evidence.text);
            seen.push(evidence.text);
        }
    }
    seen.sort_unstable();
    assert_eq!(seen, ["ZUGRIFF VERWEIGERT", "token", "ÉCHEC"]);
}

#[test]
fn results_serialize_deterministically() -> Result<(), serde_json::Error> {
    let tagger = tagger();
    let ticket = Ticket::new()
        .with_field("subject", "Login broken")
        .with_field("body", "permission denied, then a crash; not a quota issue");
    let first = serde_json::to_value(tagger.explain(&ticket))?;
    let second = serde_json::to_value(tagger.explain(&ticket))?;
    assert_eq!(first, second);

    assert_eq!(first["primary"], "failure");
    assert_eq!(first["work"], "defect");
    assert_eq!(first["taxonomy"]["version"], "test-1");
    assert_eq!(first["taxonomy"]["hash"].as_str().map(str::len), Some(16));
    let evidence = &first["tags"][0]["evidence"][0];
    assert_eq!(evidence["rule"], "failure.subject");
    assert_eq!(evidence["field"], "subject");
    assert_eq!(evidence["zone"], "prose");
    assert_eq!((evidence["start"].as_u64(), evidence["end"].as_u64()), (Some(6), Some(12)));
    assert_eq!(first["suppressed"][0]["reason"], "negation");
    assert_eq!(first["suppressed"][0]["cue"], "not");

    // Without explain, the key is absent rather than empty.
    let plain = serde_json::to_value(tagger.tag(&ticket))?;
    assert!(plain.get("suppressed").is_none());
    Ok(())
}

#[test]
fn the_hash_ignores_layout_and_follows_content() {
    let tagger = tagger();
    let reformatted = format!("# a comment\n{}", TAXONOMY.replace("window = 3", "window   =   3"));
    let same = Tagger::from_toml(&reformatted).map(|t| t.taxonomy().hash());
    assert_eq!(same.ok(), Some(tagger.taxonomy().hash()));
    let changed = Tagger::from_toml(&TAXONOMY.replace("window = 3", "window = 4"));
    assert_ne!(changed.map(|t| t.taxonomy().hash()).ok(), Some(tagger.taxonomy().hash()));
}

#[test]
fn a_scanner_gives_the_same_tags_as_one_shot_calls() {
    let tagger = tagger();
    let mut scanner = tagger.scanner();
    let bodies = ["crash", "quota 429 quota", "", "not a permission problem", "token"];
    for body in bodies {
        let ticket = Ticket::from(body);
        let scanned: Tags = scanner.tag(&ticket);
        assert_eq!(scanned, tagger.tag(&ticket), "{body}");
    }
}

#[test]
fn a_suppressed_hit_serializes_each_key_once() -> Result<(), serde_json::Error> {
    let tagger = tagger();
    let ticket = Ticket::new()
        .with_field("subject", "billing address")
        .with_field("body", "plan limit, please upgrade");
    let tags = tagger.explain(&ticket);
    let json = serde_json::to_string(&tags.suppressed)?;
    assert_eq!(json.matches("\"field\"").count(), 1, "{json}");
    let value: serde_json::Value = serde_json::from_str(&json)?;
    assert_eq!(value[0]["field"], "body");
    assert_eq!(value[0]["reason"], "exclusion");
    assert_eq!(value[0]["term_field"], "subject");
    Ok(())
}

#[test]
fn patterns_fire_whatever_strategy_runs_them() {
    // A gated pattern (every match starts with a literal), an anchored one,
    // and one with no literal to gate on; each on ASCII and non-ASCII text.
    let tagger = Tagger::from_toml(
        r#"
version = "1"
[[work_kind]]
id = "defect"
[[category]]
id = "provider"
work = "defect"
[[rule]]
id = "provider.gated"
category = "provider"
patterns = ['\b(openai|anthropic) (errors?|fails)\b']
[[rule]]
id = "provider.anchored"
category = "provider"
patterns = ['^\s*\[provider\]']
[[rule]]
id = "provider.checked"
category = "provider"
patterns = ['\b\d{3} from upstream\b']
"#,
    );
    let Ok(tagger) = tagger else { panic!("taxonomy must load") };
    let cases: &[(&str, Option<&str>)] = &[
        ("ça marche pas: OPENAI FAILS à chaque fois", Some("provider.gated")),
        ("myopenai fails", None),
        ("  [PROVIDER] déconnecté", Some("provider.anchored")),
        ("see [provider] later", None),
        ("Fehler: 502 from upstream über Nacht", Some("provider.checked")),
        ("x502 from upstream", None),
    ];
    for &(body, want) in cases {
        let tags = tagger.tag_text(body);
        let rule = tags.tags.first().map(|t| t.evidence[0].rule);
        assert_eq!(rule, want, "body {body:?}");
        for e in tags.tags.iter().flat_map(|t| &t.evidence) {
            assert_eq!(&body[e.start..e.end], e.text);
        }
    }
}

#[test]
fn folding_and_clauses_follow_unicode_not_just_ascii() {
    let tagger = Tagger::from_toml(
        r#"
version = "1"
[negation]
cues = ["not", "没有"]
window = 3
[[work_kind]]
id = "defect"
[[category]]
id = "error"
work = "defect"
[[rule]]
id = "error.words"
category = "error"
keywords = ["λάθος", "timeout", "超时"]
patterns = ['\b\d+ ?µs\b']
"#,
    );
    let Ok(tagger) = tagger else { panic!("taxonomy must load") };
    let cases: &[(&str, Option<&str>)] = &[
        // The final sigma, the long s and the micro sign fold as the regex
        // crate's case-insensitive matching does.
        ("ΛΆΘΟΣ ΣΤΟ API", Some("error")),
        ("took 500 μs", Some("error")),
        // Full-width punctuation ends a clause, so the cue does not reach.
        ("not sure。timeout again", Some("error")),
        ("没有。超时", Some("error")),
        ("没有超时", None),
    ];
    for &(body, want) in cases {
        assert_eq!(tagger.tag_text(body).primary, want, "body {body:?}");
    }
}

#[test]
fn a_huge_negation_window_is_an_error_not_a_panic() {
    let error = Tagger::from_toml(&TAXONOMY.replace("window = 3", "window = 576460752303423487"));
    let messages: Vec<_> =
        error.err().iter().flat_map(|e| e.errors()).map(|e| e.message().to_string()).collect();
    assert_eq!(messages, ["negation window must be from 0 to 100 words, not 576460752303423487"]);
}
