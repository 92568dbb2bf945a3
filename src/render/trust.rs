//! The trust page: the index of a profile that publishes only the lowest level (`public`),
//! for customers and prospects. What the organisation is certified for (`[trust]`), which
//! policies it publishes and how recent they are, and the SoA in counts. Plain HTML.

use super::*;

/// A certification of `[trust]`, as shown.
#[derive(Serialize, Hash)]
struct CertificationView<'a> {
    standard: &'a str,
    certificate: Option<&'a str>,
    issuer: Option<&'a str>,
    valid_until: Option<String>,
    /// Its validity ended before the as-of date.
    expired: bool,
    link: Option<&'a str>,
}

/// A published document with what a customer asks of it.
#[derive(Serialize, Hash)]
struct Published<'a> {
    doc: DocRow<'a>,
    /// The last review, else the approval, else the effective date.
    reviewed: Option<String>,
}

/// `index.html` of a trust-page profile.
pub(super) fn trust_page(model: &Model, views: &Views) -> Page {
    let config = &model.settings.config;
    let trust = config.trust.clone().unwrap_or_default();
    let certifications: Vec<CertificationView> = (config.trust.iter())
        .flat_map(|t| &t.certifications)
        .map(|c| {
            let until = c
                .valid_until
                .as_ref()
                .and_then(|d| d.date.as_ref())
                .and_then(|d| {
                    chrono::NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                });
            CertificationView {
                standard: &c.standard,
                certificate: c.certificate.as_deref(),
                issuer: c.issuer.as_deref(),
                valid_until: until.map(|d| d.to_string()),
                expired: until.is_some_and(|d| d < model.as_of),
                link: c
                    .link
                    .as_deref()
                    .filter(|l| l.starts_with("https://") || l.starts_with("http://")),
            }
        })
        .collect();
    let mut published: Vec<(DocKind, &str, Published)> = (model.documents.iter())
        .zip(&views.docs)
        .filter(|(n, _)| n.doc.status == Status::Approved)
        .map(|(n, v)| {
            let d = &n.doc;
            let reviewed = d.last_reviewed.or(d.approved_on).or(d.effective);
            (
                d.kind.unwrap_or(DocKind::Record),
                d.id.as_str(),
                Published {
                    doc: v.clone(),
                    reviewed: reviewed.map(|r| r.to_string()),
                },
            )
        })
        .collect();
    published.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let published: Vec<Published> = published.into_iter().map(|(_, _, p)| p).collect();
    let mut soa: BTreeMap<&str, usize> = BTreeMap::new();
    for c in 0..model.catalog.controls.len() {
        *soa.entry(model.applicability(c).state()).or_default() += 1;
    }
    let contact = trust.contact.as_deref().map(|c| {
        let href = if c.contains('@') && !c.contains("://") {
            format!("mailto:{c}")
        } else if c.starts_with("https://") || c.starts_with("http://") {
            c.to_string()
        } else {
            String::new()
        };
        (c.to_string(), href)
    });
    let mut data = Data::new(views.keyed);
    data.insert("organization", &config.book.organization);
    data.insert(
        "scope",
        &trust.scope.as_ref().or(config.book.description.as_ref()),
    );
    data.insert("certifications", &certifications);
    data.insert("published", &published);
    data.insert("soa", &soa);
    data.insert("soa_total", &model.catalog.controls.len());
    data.insert("soa_derived", &model.soa.is_derived());
    data.insert("contact", &contact);
    data.insert("as_of", &model.as_of.to_string());
    Page {
        path: "index.html".into(),
        template: "trust.html",
        nav: "index",
        title: model.settings.strings.get("trust.page_title").into(),
        data,
    }
}
