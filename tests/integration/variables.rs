//! Book variables: a template policy set filled in from `[variables]` in book.toml, with every
//! diagnostic of a body still at the line and column of the file as written.

use crate::common::{json_report, located, Book, Run};

/// The text between `<div class="body">` and the end of that div on a built page.
fn body_html(book: &Book, page: &str) -> String {
    let html = book.read(&format!("book/docs/{page}"));
    let start = html.find("<div class=\"body\">").expect("a body");
    let end = start + html[start..].find("\n</div>").expect("its end");
    html[start..end].to_string()
}

fn build(book: &Book) -> Run {
    let run = book.run(&["build", "--as-of", "2026-11-22"]);
    assert_eq!(run.code, 0, "{run:?}");
    run
}

/// `(code, line, column, hint)` of the diagnostics of `file` in a `check --format json` run.
fn diagnostics_of(run: &Run, file: &str) -> Vec<(String, u64, u64, String)> {
    let report = json_report(run);
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file)
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["hint"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const INCIDENT: &str = "content/procedures/incident-procedure.md";

#[test]
fn variables_fill_in_a_template_policy_set() {
    let book = Book::fixture("template-set");
    build(&book);
    let policy = body_html(&book, "policies/information-security-policy.html");
    assert!(
        policy
            .contains("<p>This policy sets out how Brightwater protects the information it holds"),
        "{policy}"
    );
    assert!(
        policy.contains("works for Brightwater Logistics Ltd. Personal data"),
        "{policy}"
    );
    assert!(
        policy.contains(r#"<a href="https://brightwater.example/privacy">Privacy Policy</a>"#),
        "a variable in a link target: {policy}"
    );
    assert!(policy.contains(r#"<h2 id="3-soc-2">3. SOC 2 "#), "{policy}");
    assert!(
        !policy.contains("Cardholder"),
        "a false section is dropped: {policy}"
    );
    assert!(
        policy.contains("<p>This policy is reviewed every 12 months.</p>"),
        "{policy}"
    );
    assert!(!policy.contains("{{"), "{policy}");

    let rules = body_html(&book, "policies/acceptable-use-policy.html");
    assert!(
        rules.contains(
            "<ul>\n<li>Report anything suspicious to security@brightwater.example.</li>\n<li>Card numbers are never stored or sent by email.</li>\n<li>Lock the screen when leaving the desk.</li>\n</ul>"
        ),
        "section tags on lines of their own leave one list: {rules}"
    );
    assert!(
        rules.contains("systems of Brightwater, under the"),
        "{rules}"
    );
    assert!(
        rules.contains("<code>{{customerName}}</code>")
            && rules.contains("{{#hasFeature}}Shown when set.{{/hasFeature}} {{customerName}}"),
        "undefined names in code stay as written: {rules}"
    );

    let steps = body_html(&book, "procedures/incident-procedure.html");
    assert!(
        steps.contains("<li>Respond and record the evidence the SOC 2 auditors ask for.</li>"),
        "{steps}"
    );

    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let placed: Vec<_> = located(&json_report(&run))
        .into_iter()
        .filter(|l| !l.1.is_empty())
        .collect();
    assert!(
        placed.is_empty(),
        "no warning in a correct template set: {placed:?}"
    );
}

#[test]
fn an_undefined_variable_is_a_warning_where_it_is_written() {
    let book = Book::fixture("template-set");
    let text = book.read(INCIDENT).replace(
        "Anyone at {{companyShortName}} reports",
        "Anyone at {{ companyShortNme }} reports",
    );
    book.write(INCIDENT, &text);
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "a warning does not fail the check: {run:?}");
    assert_eq!(
        diagnostics_of(&run, INCIDENT),
        [(
            "undefined-variable".to_string(),
            19,
            11,
            "did you mean `companyShortName`?".to_string()
        )]
    );
    build(&book);
    let steps = body_html(&book, "procedures/incident-procedure.html");
    assert!(
        steps.contains("Anyone at {{ companyShortNme }} reports"),
        "{steps}"
    );
    let run = book.run(&["check", "--strict"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("warning[undefined-variable]")
            && run.stderr.contains("incident-procedure.md:19:11"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_broken_link_after_variables_is_reported_at_the_column_as_written() {
    let book = Book::fixture("template-set");
    let text = book.read(INCIDENT).replace(
        "1. Triage ([[A.5.25]]).",
        "1. {{companyLegalName}} and {{companyShortName}} triage: see [the board](board-charter.md#scope).",
    );
    book.write(INCIDENT, &text);
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    // `1. {{companyLegalName}} and {{companyShortName}} triage: see ` is 61 characters.
    let found = diagnostics_of(&run, INCIDENT);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1, found[0].2),
        ("broken-link", 23, 62)
    );
    let human = book.run(&["check"]);
    let link = "[the board](board-charter.md#scope)";
    let carets = format!("\n   │ {}{}\n", " ".repeat(61), "^".repeat(link.len()));
    assert!(
        human.stderr.contains(&format!("{link}.{carets}")),
        "{}",
        human.stderr
    );
}

#[test]
fn unbalanced_sections_are_warnings_and_stay_as_written() {
    let book = Book::fixture("template-set");
    let text = book.read(INCIDENT).replace(
        "2. Respond{{#hasSoc2}}",
        "2. Respond{{#hasSoc2}}{{#hasPci}}",
    );
    book.write(INCIDENT, &text);
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let found = diagnostics_of(&run, INCIDENT);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1, found[0].2),
        ("unbalanced-section", 24, 23)
    );
    build(&book);
    let steps = body_html(&book, "procedures/incident-procedure.html");
    assert!(
        steps.contains(
            "<li>Respond{{#hasPci}} and record the evidence the SOC 2 auditors ask for.</li>"
        ),
        "{steps}"
    );
}

#[test]
fn without_variables_braces_are_text() {
    let book = Book::fixture("template-set");
    let config = book.read("book.toml");
    let config = &config[..config.find("[variables]").unwrap()];
    book.write("book.toml", config);
    let run = book.run(&["check", "--format", "json"]);
    let placed: Vec<_> = located(&json_report(&run))
        .into_iter()
        .filter(|l| !l.1.is_empty())
        .collect();
    // The privacy policy's target `{{&privacyPolicyURL}}` is a path to nowhere now.
    assert_eq!(
        placed,
        [(
            "broken-link".to_string(),
            "content/policies/information-security-policy.md".to_string(),
            25,
            1
        )],
    );
    let policy_md = "content/policies/information-security-policy.md";
    let text = book.read(policy_md).replace(
        "[Privacy Policy]({{&privacyPolicyURL}})",
        "the Privacy Policy",
    );
    book.write(policy_md, &text);
    build(&book);
    let policy = body_html(&book, "policies/information-security-policy.html");
    assert!(
        policy.contains("This policy sets out how {{companyShortName}} protects"),
        "{policy}"
    );
    assert!(policy.contains("<p>{{#hasSoc2}}</p>"), "{policy}");
    assert!(policy.contains("Cardholder data"), "{policy}");
}

#[test]
fn a_variable_of_another_type_is_a_config_error_at_its_line() {
    let book = Book::fixture("template-set");
    let config = book
        .read("book.toml")
        .replace("reviewMonths = 12", "reviewMonths = [12]");
    book.write("book.toml", &config);
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let report = json_report(&run);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "config-invalid");
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64()),
        (Some("book.toml"), Some(12))
    );
    assert!(
        d["message"].as_str().unwrap().contains("not an array"),
        "{d}"
    );
}
