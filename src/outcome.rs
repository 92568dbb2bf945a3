//! What a stage gives back when the book itself can stop it: the result, or the book's
//! problems. Failures of the machine (a folder that cannot be written) are the `anyhow::Error`
//! around it, so `anyhow::Result<Outcome<T>>` says both apart without nesting two `Result`s.

use crate::diagnostic::Diagnostic;

/// The result of a stage, or the problems in the book that stopped it (a template that does
/// not render, errors in the documents): those a person fixes in the book, reported as
/// diagnostics with a non-zero exit, not as a crash.
#[derive(Debug)]
pub enum Outcome<T, E = Vec<Diagnostic>> {
    Done(T),
    BookErrors(E),
}

impl<T, E> Outcome<T, E> {
    /// The result, if the stage was done.
    pub fn done(self) -> Option<T> {
        match self {
            Outcome::Done(t) => Some(t),
            Outcome::BookErrors(_) => None,
        }
    }
}
