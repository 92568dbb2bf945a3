//! The registers resolved against the book: each risk's controls, requirements and
//! documents as indices, each exception's, and the other way round (the risks a control treats,
//! the risks a document addresses); risk ids written in soa.yaml and front matter checked.

use super::*;
use crate::catalog::registry::ReqRef;
use crate::registers::Registers;

/// Indices of what the registers name, and what names them.
#[derive(Debug, Clone, Default, Hash)]
pub(crate) struct RiskLinks {
    /// Per risk: catalog controls, other frameworks' requirements, documents.
    pub controls: Vec<Vec<usize>>,
    pub requirements: Vec<Vec<ReqRef>>,
    pub documents: Vec<Vec<usize>>,
    /// Per exception: the controls and documents it departs from, the risks it touches, its
    /// compensating controls.
    pub exception_controls: Vec<Vec<usize>>,
    pub exception_documents: Vec<Vec<usize>>,
    pub exception_risks: Vec<Vec<usize>>,
    pub compensating: Vec<Vec<usize>>,
    /// Per catalog control: the risks it treats.
    pub control_risks: Vec<Vec<usize>>,
    /// Per document: the risks it addresses (its `risks:`, and the register's `documents`).
    pub document_risks: Vec<Vec<usize>>,
    /// Per risk: the exceptions that touch it.
    pub risk_exceptions: Vec<Vec<usize>>,
    /// Per catalog control: the risk ids its SoA justification names, as (byte range in the
    /// justification, risk).
    pub justification_risks: Vec<Vec<(std::ops::Range<usize>, usize)>>,
}

impl Model {
    /// Resolves the registers' ids; what does not resolve comes back as diagnostics.
    pub(super) fn link_risks(&self, registers: &Registers) -> (RiskLinks, Vec<Diagnostic>) {
        let mut out = Vec::new();
        let mut links = RiskLinks {
            control_risks: vec![Vec::new(); self.catalog.controls.len()],
            document_risks: vec![Vec::new(); self.documents.len()],
            risk_exceptions: vec![Vec::new(); registers.risks.len()],
            justification_risks: vec![Vec::new(); self.catalog.controls.len()],
            ..RiskLinks::default()
        };
        for (k, risk) in registers.risks.iter().enumerate() {
            let (controls, requirements) = self.risk_controls(&risk.controls, &mut out);
            let documents = self.document_ids(&risk.documents, &mut out);
            for &c in &controls {
                links.control_risks[c].push(k);
            }
            for &d in &documents {
                links.document_risks[d].push(k);
            }
            links.controls.push(controls);
            links.requirements.push(requirements);
            links.documents.push(documents);
        }
        for (k, e) in registers.exceptions.iter().enumerate() {
            let (controls, _) = self.risk_controls(&e.controls, &mut out);
            let (compensating, _) = self.risk_controls(&e.compensating_controls, &mut out);
            links.exception_controls.push(controls);
            links.compensating.push(compensating);
            links
                .exception_documents
                .push(self.document_ids(&e.documents, &mut out));
            let risks = risk_ids(registers, &e.risks, &mut out);
            for &r in &risks {
                links.risk_exceptions[r].push(k);
            }
            links.exception_risks.push(risks);
        }
        if !registers.risks.is_empty() {
            for (d, n) in self.documents.iter().enumerate() {
                links.document_risks[d].extend(risk_ids(registers, &n.doc.risks, &mut out));
            }
            self.justification_links(registers, &mut links, &mut out);
        } else {
            for n in &self.documents {
                let named = |r: &&Ref| !self.links.redacted.ids.contains(&r.target);
                if let Some(r) = n.doc.risks.iter().find(named) {
                    out.push(
                        Diagnostic::error(
                            Code::UnknownRisk,
                            format!("`risks` names `{}`, but the book has no risk register", r.target),
                        )
                        .at(r.span.clone())
                        .hint("keep the register in registers/risks.yaml (see the README's \"Risks and exceptions\")"),
                    );
                }
            }
        }
        for list in links
            .control_risks
            .iter_mut()
            .chain(&mut links.document_risks)
        {
            list.sort_unstable();
            list.dedup();
        }
        (links, out)
    }

    /// ISO/IEC 27001:2022 controls (as catalog indices) and other frameworks' requirements.
    fn risk_controls(&self, refs: &[Ref], out: &mut Vec<Diagnostic>) -> (Vec<usize>, Vec<ReqRef>) {
        let (mut controls, mut requirements) = (Vec::new(), Vec::new());
        for r in refs {
            let written = r.target.as_str();
            if let Some(c) = self.catalog.control(written) {
                controls.push(c);
                continue;
            }
            if crate::catalog::crosswalk::split_qualified(written).is_some() {
                match self.frameworks.resolve(written) {
                    Ok(found) if found.framework == 0 => {
                        match self.catalog.control(&self.frameworks.requirement(found).id) {
                            Some(c) => controls.push(c),
                            None => requirements.push(found),
                        }
                    }
                    Ok(found) => requirements.push(found),
                    Err(e) => out.push(crate::catalog::registry::unresolved(
                        &self.frameworks,
                        written,
                        e,
                        r.span.clone(),
                    )),
                }
                continue;
            }
            out.push(
                Diagnostic::error(
                    Code::UnknownControl,
                    format!("`{written}` is not an ISO/IEC 27001:2022 Annex A control"),
                )
                .at(r.span.clone())
                .hint(self.catalog.control_hint(written)),
            );
        }
        controls.sort_unstable();
        controls.dedup();
        (controls, requirements)
    }

    fn document_ids(&self, refs: &[Ref], out: &mut Vec<Diagnostic>) -> Vec<usize> {
        let mut found = Vec::new();
        for r in refs {
            match self.by_id.get(r.target.as_str()) {
                Some(&d) => found.push(d),
                None if self.links.redacted.ids.contains(&r.target) => {}
                None => {
                    let best =
                        did_you_mean(&r.target, self.documents.iter().map(|n| n.doc.id.as_str()));
                    out.push(
                        Diagnostic::error(
                            Code::UnknownDocument,
                            format!("no document has the id `{}`", r.target),
                        )
                        .at(r.span.clone())
                        .hint(match best {
                            Some(b) => format!("did you mean `{b}`?"),
                            None => "write the `id` of a document in the content folder".into(),
                        }),
                    );
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Risk ids in the SoA's justifications: each one the register has is linked, each one
    /// shaped like the register's ids that it does not have is an error at the justification.
    fn justification_links(
        &self,
        registers: &Registers,
        links: &mut RiskLinks,
        out: &mut Vec<Diagnostic>,
    ) {
        for (c, decision) in self.soa.decisions.iter().enumerate() {
            let Some(d) = decision else { continue };
            let Some(text) = &d.justification else {
                continue;
            };
            for (range, word) in id_like_words(text) {
                match registers.risk(word) {
                    Some(k) => links.justification_risks[c].push((range, k)),
                    None if registers.looks_like_risk(word) => out.push(
                        Diagnostic::error(
                            Code::UnknownRisk,
                            format!(
                                "the justification of {} names `{word}`, which is not in the risk register",
                                self.catalog.controls[c].id
                            ),
                        )
                        .at_opt(d.span.clone())
                        .hint(risk_hint(registers, word)),
                    ),
                    None => {}
                }
            }
        }
    }
}

/// Words of `text` made of letters, digits and `-` with a digit in them (`R-002`), with their
/// byte ranges.
fn id_like_words(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let part = c.is_ascii_alphanumeric() || c == '-' || c == '_';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let w = text[s..i].trim_end_matches('-');
                if w.contains('-') && w.bytes().any(|b| b.is_ascii_digit()) {
                    words.push((s..s + w.len(), w));
                }
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// Resolves written risk ids, each miss an `unknown-risk` error with a did-you-mean.
pub(super) fn risk_ids(
    registers: &Registers,
    refs: &[Ref],
    out: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut found = Vec::new();
    for r in refs {
        match registers.risk(&r.target) {
            Some(k) => found.push(k),
            None => out.push(unknown_risk(registers, &r.target, r.span.clone())),
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// `unknown-risk`: `id` is not in the register, with a did-you-mean.
pub(super) fn unknown_risk(registers: &Registers, id: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::UnknownRisk,
        format!("`{id}` is not in the risk register"),
    )
    .at(span)
    .hint(risk_hint(registers, id))
}

fn risk_hint(registers: &Registers, wrong: &str) -> String {
    match did_you_mean(wrong, registers.risks.iter().map(|r| r.id.as_str())) {
        Some(best) => format!("did you mean `{best}`?"),
        None => match registers.files.first() {
            Some(file) => format!("add it to {file}, or correct the id"),
            None => "the book has no risk register (registers/risks.yaml)".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_like_words_are_found_with_their_places() {
        let text = "Risk assessment (R-002 policies, R-066 fraud); A.5.1; e-mail; ISO-27001";
        let words: Vec<&str> = id_like_words(text).into_iter().map(|(_, w)| w).collect();
        assert_eq!(words, ["R-002", "R-066", "ISO-27001"]);
        let (range, _) = id_like_words(text)[0].clone();
        assert_eq!(&text[range], "R-002");
    }
}
