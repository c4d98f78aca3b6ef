//! The peers a Lotse dismissed ("kein Interesse"), which their recommendations leave out
//! (see [`super::exclude`]).

use crate::domain::{Dismissal, Id};
use crate::store::Rel;

use super::network::Graph;

impl Graph {
    /// The Lotsen `lotse` dismissed.
    pub fn dismissed_by<'g>(&'g self, lotse: &Id) -> impl Iterator<Item = &'g Id> {
        self.sources::<Dismissal>(Rel::DismissedBy, lotse).map(|d| &d.dismissed)
    }
}
