//! The review schedule: when each document in force is next due for review (A.5.1 asks for
//! reviews at planned intervals), grouped the way an ISMS manager plans them.

use chrono::NaiveDate;

use super::Model;
use crate::document::Status;

/// Reviews due within this many days of the as-of date are "due soon".
pub(crate) const DUE_SOON_DAYS: u64 = 30;

/// Documents (indices into the model) by when their review is due, each group in date order.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct Schedule {
    pub overdue: Vec<usize>,
    pub soon: Vec<usize>,
    pub later: Vec<usize>,
    /// Documents in force without a review date.
    pub undated: Vec<usize>,
}

impl Model {
    /// Every document not retired, grouped by its review date against the as-of date.
    pub fn review_schedule(&self) -> Schedule {
        let soon_until = self
            .as_of
            .checked_add_days(chrono::Days::new(DUE_SOON_DAYS))
            .unwrap_or(NaiveDate::MAX);
        let mut dated: Vec<(NaiveDate, &str, usize)> = Vec::new();
        let mut schedule = Schedule::default();
        for (i, n) in self.documents.iter().enumerate() {
            if n.doc.status == Status::Retired {
                continue;
            }
            match n.doc.review_by {
                Some(due) => dated.push((due, &n.doc.id, i)),
                None => schedule.undated.push(i),
            }
        }
        dated.sort();
        for (due, _, i) in dated {
            let group = if due < self.as_of {
                &mut schedule.overdue
            } else if due <= soon_until {
                &mut schedule.soon
            } else {
                &mut schedule.later
            };
            group.push(i);
        }
        schedule
            .undated
            .sort_by(|a, b| self.documents[*a].doc.id.cmp(&self.documents[*b].doc.id));
        schedule
    }
}
