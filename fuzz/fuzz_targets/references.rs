//! The Markdown pass and its reference resolution on any body text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policybook::markdown::{render, PathLink, RenderOptions, Resolve, Resolved, Target};

struct Book;

impl Resolve for Book {
    fn wiki(&self, name: &str) -> Option<Resolved> {
        matches!(name, "A.5.15" | "5.2" | "POL-1").then(|| Resolved {
            target: Some(Target::Document(0)),
            href: format!("@@root@@/x/{name}.html"),
            title: name.to_string(),
        })
    }

    fn path(&self, path: &str) -> PathLink {
        match path {
            "a.md" => PathLink::Document(0, "@@root@@/docs/a.html".into()),
            "img.png" => PathLink::Asset("@@root@@/docs/img.png".into()),
            p if p.starts_with("..") => PathLink::Outside,
            _ => PathLink::Missing,
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for allow_html in [false, true] {
        let r = render(text, &Book, RenderOptions { allow_html, highlight: true });
        for p in &r.problems {
            assert!(p.range.end <= text.len() && text.is_char_boundary(p.range.start));
        }
        if !allow_html {
            assert!(!r.html.contains("<script"), "raw script in the output");
        }
    }
});
