//! The peers a Lotse dismissed ("kein Interesse"), which their recommendations leave out.

use crate::domain::{Dismissal, Id};
use crate::store::Rel;

use super::network::Graph;

impl Graph {
    /// The Lotsen `lotse` dismissed.
    pub fn dismissed_by<'g>(&'g self, lotse: &Id) -> impl Iterator<Item = &'g Id> {
        self.sources::<Dismissal>(Rel::DismissedBy, lotse).map(|d| &d.dismissed)
    }
}

/// Marks the peers `lotse` dismissed as seen, so that the peer search never admits them.
pub(super) fn exclude_dismissed(graph: &Graph, lotse: &Id, number: impl Fn(&Id) -> Option<u32>, seen: &mut [bool]) {
    for peer in graph.dismissed_by(lotse) {
        if let Some(n) = number(peer) {
            seen[n as usize] = true;
        }
    }
}
