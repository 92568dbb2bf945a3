//! Every diagnostic code, one enum: a code is a stable name that people and CI filters rely
//! on, so each is written once, here, with what it means. The README lists the same codes (a
//! test compares the two), and a test fails when no test names a code.

use serde::Serialize;

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// What a diagnostic is about, as a stable kebab-case name (`Code::BrokenLink` is
        /// `broken-link`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in the order the README lists them.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code's name, e.g. `broken-link`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    // Front matter.
    /// The file does not start with a `---` front-matter block.
    MissingFrontMatter = "missing-front-matter",
    /// The front matter has no closing `---`.
    UnterminatedFrontMatter = "unterminated-front-matter",
    /// The front matter (or soa.yaml) is not valid YAML, or a key has the wrong shape.
    YamlSyntax = "yaml-syntax",
    /// A front-matter key policybook does not know.
    UnknownKey = "unknown-key",
    /// A front-matter key written twice.
    DuplicateKey = "duplicate-key",
    /// A number or boolean where text is expected (`version: 1.10`): quote it.
    UnquotedValue = "unquoted-value",
    /// A required front-matter field (`id`, `title`) is missing.
    MissingField = "missing-field",
    /// A document id with characters ids may not hold, or a clause or control id.
    InvalidId = "invalid-id",
    /// A value outside its allowed set (`status`, `type`), or an alias outside the site.
    InvalidValue = "invalid-value",
    /// A date that is not a real `YYYY-MM-DD` date.
    InvalidDate = "invalid-date",
    /// A `review_interval` that is not a number of days, weeks, months or years.
    InvalidInterval = "invalid-interval",
    /// A `review_interval` with no date to count it from.
    IntervalWithoutDate = "interval-without-date",
    /// A `last_reviewed` date without a `review_interval`.
    NoReviewInterval = "no-review-interval",
    /// `review_by` disagrees with `last_reviewed` plus `review_interval`.
    ReviewDatesDisagree = "review-dates-disagree",
    /// A document without `status`, treated as a draft.
    MissingStatus = "missing-status",
    /// A review date before the effective date.
    ReviewBeforeEffective = "review-before-effective",
    // References and links.
    /// A clause id that ISO/IEC 27001:2022 does not have.
    UnknownClause = "unknown-clause",
    /// A control id that Annex A does not have (2013 ids are explained).
    UnknownControl = "unknown-control",
    /// An ISO/IEC 27001:2013 control id, counted as the one 2022 control it became.
    Control2013Id = "control-2013-id",
    /// An ISO/IEC 27001:2013 control id that became several 2022 controls: choose.
    Control2013Ambiguous = "control-2013-ambiguous",
    /// A `related` id that no document has.
    UnknownDocument = "unknown-document",
    /// An `audience:` of a document that book.toml's `[audiences]` does not declare.
    UnknownAudience = "unknown-audience",
    /// A `classification:` that is none of the book's levels (counted as the highest).
    UnknownClassification = "unknown-classification",
    /// Text a profile leaves out that its output still shows (`check --profile`).
    ProfileLeak = "profile-leak",
    /// A qualified id (`framework:id`) whose framework the book does not have.
    UnknownFramework = "unknown-framework",
    /// A qualified id whose framework has no such requirement.
    UnknownRequirement = "unknown-requirement",
    /// A `[[name]]` that matches no document, clause or control.
    UnknownReference = "unknown-reference",
    /// A link to a document whose own front matter has errors.
    UnresolvedReference = "unresolved-reference",
    /// A relative link to a file or folder that does not exist.
    BrokenLink = "broken-link",
    /// A link to a `#anchor` that no heading of its page has.
    BrokenAnchor = "broken-anchor",
    /// A relative link that leaves the content folder.
    LinkOutsideContent = "link-outside-content",
    /// A link with a script-capable scheme, removed from the page.
    UnsafeLink = "unsafe-link",
    /// The same clause, control or document listed twice.
    DuplicateReference = "duplicate-reference",
    /// A document that lists itself as related.
    SelfReference = "self-reference",
    /// A heading attribute other than `#id` and safe `.class`es, dropped.
    HeadingAttribute = "heading-attribute",
    /// An explicit heading id that an earlier heading already has.
    DuplicateHeadingId = "duplicate-heading-id",
    /// Raw HTML that would run script (warning), or raw HTML shown as text (note).
    RawHtml = "raw-html",
    // The book and its files.
    /// Two documents with the same id.
    DuplicateId = "duplicate-id",
    /// Two document ids that differ only in case or Unicode form.
    AmbiguousId = "ambiguous-id",
    /// Two document ids that look alike (Unicode TR #39 skeleton).
    ConfusableId = "confusable-id",
    /// A document id that mixes scripts, as a look-alike would.
    MixedScriptId = "mixed-script-id",
    /// A policy, standard, procedure or plan that names no clause and no control.
    UntracedDocument = "untraced-document",
    /// An approved document without `approver`.
    MissingApprover = "missing-approver",
    /// An approved document without `version`.
    MissingVersion = "missing-version",
    /// An approved document without `approved_on`.
    MissingApprovalDate = "missing-approval-date",
    /// A file that is not valid UTF-8.
    InvalidUtf8 = "invalid-utf8",
    /// A file that cannot be read, or is too large.
    UnreadableFile = "unreadable-file",
    /// More Markdown files than a book may hold.
    TooManyFiles = "too-many-files",
    /// A symbolic link in the content folder, not followed.
    SymlinkSkipped = "symlink-skipped",
    /// A pipe, socket or device in the content folder, skipped unopened.
    NotAFile = "not-a-file",
    /// A file that no document links to, so it is not published.
    UnlinkedFile = "unlinked-file",
    /// The content folder does not exist.
    MissingContent = "missing-content",
    /// Two sources (or a redirect) that would be written to the same file.
    PageCollision = "page-collision",
    /// A file or folder name that Windows cannot hold.
    UnportableName = "unportable-name",
    /// An mdBook layout understood: documents read from `src/`, `SUMMARY.md` skipped.
    MdbookLayout = "mdbook-layout",
    // The Statement of Applicability.
    /// soa.yaml is not a mapping of controls to decisions.
    SoaInvalid = "soa-invalid",
    /// soa.yaml names a control that Annex A does not have.
    SoaUnknownControl = "soa-unknown-control",
    /// soa.yaml decides a control twice.
    SoaDuplicateControl = "soa-duplicate-control",
    /// A Statement of Applicability status policybook does not know.
    SoaInvalidStatus = "soa-invalid-status",
    /// A control excluded without a justification (6.1.3 d).
    SoaMissingJustification = "soa-missing-justification",
    /// A control excluded in soa.yaml that documents address.
    SoaExcludedButAddressed = "soa-excluded-but-addressed",
    /// A control decided applicable that no approved document addresses.
    SoaUncovered = "soa-uncovered",
    /// A control that soa.yaml does not decide.
    SoaUndecided = "soa-undecided",
    /// Annex A controls that no approved document addresses.
    UncoveredControls = "uncovered-controls",
    // Frameworks and crosswalks.
    /// A file of `frameworks/`, or an entry of `[frameworks]`, that cannot be used.
    InvalidFramework = "invalid-framework",
    /// A file of `crosswalks/` that cannot be read.
    InvalidCrosswalk = "invalid-crosswalk",
    /// Requirements of a framework in `[frameworks] use` that nothing covers or excludes.
    UncoveredRequirements = "uncovered-requirements",
    // Risks and exceptions.
    /// A register file (`registers/*.yaml`, `.csv`) or an entry of it that cannot be read.
    InvalidRegister = "invalid-register",
    /// A risk id (in a register, soa.yaml, front matter or a body) that the register does not have.
    UnknownRisk = "unknown-risk",
    /// A risk treated by a control that the SoA excludes.
    RiskControlExcluded = "risk-control-excluded",
    /// A risk accepted, or above the acceptance line after treatment, with no one accepting it.
    RiskNotAccepted = "risk-not-accepted",
    /// A treatment-plan action past its due date and not done.
    ActionOverdue = "action-overdue",
    /// A risk past its review date.
    RiskReviewOverdue = "risk-review-overdue",
    /// An exception past its expiry date.
    ExceptionExpired = "exception-expired",
    /// An exception that no one approved.
    ExceptionNotApproved = "exception-not-approved",
    // Gaps.
    /// A clause that no document addresses.
    UncoveredClause = "uncovered-clause",
    /// Documented information that a clause requires and no document provides.
    MissingDocumentedInformation = "missing-documented-information",
    /// A document past its review date.
    ReviewOverdue = "review-overdue",
    /// Documents not approved yet.
    NotApproved = "not-approved",
    // Configuration and theme.
    /// A book.toml key that neither policybook nor mdBook knows.
    ConfigUnknownKey = "config-unknown-key",
    /// A book.toml value that cannot be used.
    ConfigInvalid = "config-invalid",
    /// An mdBook key of book.toml that policybook accepts and does not use.
    ConfigUnused = "config-unused",
    /// A `[book] language` with no built-in table of the theme's words (English is used).
    UnknownLanguage = "unknown-language",
    /// A string id in `[output.html.strings]` or a theme's `strings/` that the theme has not.
    UnknownString = "unknown-string",
    /// A theme template that fails to render.
    TemplateError = "template-error",
    /// A page that could not be put together (a body that could not be spliced in).
    RenderFailed = "render-failed",
    // Book variables.
    /// A `{{name}}` in a body that `[variables]` does not define.
    UndefinedVariable = "undefined-variable",
    /// A `{{#section}}` without its close, or a close without its open.
    UnbalancedSection = "unbalanced-section",
    // Git history.
    /// A git repository owned by someone else, whose history is not read.
    GitUnsafeRepository = "git-unsafe-repository",
    /// A shallow git clone: the history of documents is incomplete.
    ShallowClone = "shallow-clone",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }
}
