//! Finding and reaching people: full-text search and introduction paths, both answered from
//! the projection and both showing only what the viewer may see (see [`policy::may_see`]).

use std::collections::HashSet;

use crate::auth::Viewer;
use crate::domain::{DomainError, Id, Node};
use crate::graph::paths::IntroductionPath;
use crate::search::{SearchPage, SearchQuery};

use super::{ServiceResult, Services, forbidden, policy};

impl Services {
    /// Whom and what the viewer may see, with the viewer's contacts as the projection knows
    /// them, so the answer reads one state of the network.
    fn sees(&self, viewer: &Viewer) -> ServiceResult<impl Fn(&Node) -> bool + use<'_>> {
        let contacts: HashSet<Id> = match viewer.lotse() {
            Some(me) => self.store.projection().read(|g| Ok(g.contacts(me).into_iter().cloned().collect()))?,
            None => HashSet::new(),
        };
        let viewer = viewer.clone();
        Ok(move |node: &Node| policy::may_see(&viewer, &contacts, node))
    }

    /// A page of search hits among what the viewer may see.
    pub fn search(&self, viewer: &Viewer, query: &SearchQuery) -> ServiceResult<SearchPage> {
        if !viewer.may_read() {
            return forbidden("this token may not read the network");
        }
        let sees = self.sees(viewer)?;
        Ok(self.store.projection().search(query, &sees)?)
    }

    /// The shortest chains from the signed-in Lotse to `to` through people the viewer may see.
    pub fn introduction_paths(&self, viewer: &Viewer, to: &Id, first: usize) -> ServiceResult<Vec<IntroductionPath>> {
        let Some(me) = viewer.lotse() else {
            return forbidden("introduction paths start at the signed-in Lotse");
        };
        if me == to {
            return Err(DomainError::invalid("toLotseId", "is the signed-in Lotse").into());
        }
        let sees = self.sees(viewer)?;
        Ok(self.store.projection().introduction_paths(me, to, first, &sees)?)
    }
}
