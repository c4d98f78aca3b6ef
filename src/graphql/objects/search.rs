//! Full-text search over projects, Lotsen, experts, topics and municipalities.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject, Union};

use crate::domain::*;
use crate::graphql::objects::{ExpertObject, LotseObject, MunicipalityObject, ProjectObject, TopicObject};
use crate::graphql::support::*;
use crate::search::{self, Cursor, Hit};

/// A kind of node search finds.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    /// Projects, by title and description.
    Project,
    /// Lotsen, by name, position and competences (topics), as far as the caller may see them.
    Lotse,
    /// KIC experts, by name and topics.
    Expert,
    /// Topics, by name.
    Topic,
    /// Municipalities, by name.
    Municipality,
}

impl SearchKind {
    fn node_kind(self) -> NodeKind {
        match self {
            SearchKind::Project => NodeKind::Project,
            SearchKind::Lotse => NodeKind::Lotse,
            SearchKind::Expert => NodeKind::Expert,
            SearchKind::Topic => NodeKind::Topic,
            SearchKind::Municipality => NodeKind::Municipality,
        }
    }

    fn of(kind: NodeKind) -> Option<Self> {
        [Self::Project, Self::Lotse, Self::Expert, Self::Topic, Self::Municipality]
            .into_iter()
            .find(|k| k.node_kind() == kind)
    }
}

/// A node search found.
#[derive(Union)]
pub enum SearchResult {
    Project(ProjectObject),
    Lotse(LotseObject),
    Expert(ExpertObject),
    Topic(TopicObject),
    Municipality(MunicipalityObject),
}

impl SearchResult {
    fn of(node: Node) -> Option<Self> {
        Some(match node {
            Node::Project(p) => Self::Project(p.into()),
            Node::Lotse(l) => Self::Lotse(l.into()),
            Node::Expert(e) => Self::Expert(e.into()),
            Node::Topic(t) => Self::Topic(t.into()),
            Node::Municipality(m) => Self::Municipality(m.into()),
            _ => return None,
        })
    }
}

/// Where a matched word stands in a snippet, in characters.
#[derive(SimpleObject)]
pub struct TextRange {
    /// Characters before the word.
    pub start: usize,
    /// Characters of the word.
    pub length: usize,
}

/// The passage of a hit that shows why it was found.
pub struct SearchSnippet(search::Snippet);

/// The passage of a hit that shows why it was found.
#[Object]
impl SearchSnippet {
    /// The field the passage is from: `title`, `description`, `name`, `position` or `topics`.
    async fn field(&self) -> &str {
        self.0.field
    }
    /// The passage as plain text; "…" marks where the field was cut.
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// The passage as HTML: the text escaped, the matched words in `<mark>`.
    async fn highlighted(&self) -> String {
        self.0.highlighted()
    }
    /// The matched words in `text`.
    async fn matches(&self) -> Vec<TextRange> {
        self.0.matches.iter().map(|&(start, length)| TextRange { start, length }).collect()
    }
}

/// One node found, with its rank and passage.
pub struct SearchHit(Hit, SearchResult);

/// One node found, with its rank and passage.
#[Object]
impl SearchHit {
    /// What kind of node it is.
    async fn kind(&self) -> Option<SearchKind> {
        SearchKind::of(self.0.kind)
    }
    /// BM25 relevance; hits are ordered by it, ties by id.
    async fn score(&self) -> f64 {
        self.0.score
    }
    /// The node.
    async fn node(&self) -> &SearchResult {
        &self.1
    }
    /// The passage that matched, highlighted.
    async fn snippet(&self) -> SearchSnippet {
        SearchSnippet(self.0.snippet.clone())
    }
}

/// A hit with its cursor.
#[derive(SimpleObject)]
pub struct SearchEdge {
    /// Opaque cursor; pass it as `after` to continue after this hit.
    pub cursor: String,
    /// The hit.
    pub node: SearchHit,
}

/// A page of hits, best first (a Relay cursor connection, forward only).
#[derive(SimpleObject)]
pub struct SearchConnection {
    /// The hits of this page with their cursors.
    pub edges: Vec<SearchEdge>,
    /// Where this page lies in the ranking.
    pub page_info: PageInfo,
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// German full-text search over projects (title, description), Lotsen (name, position,
    /// competences), experts (name, topics), topics and municipalities, among what the caller
    /// may see. Every word must be found: umlauts match their spelling with e ("Bürger",
    /// "Buerger"), ß matches ss, inflected forms match ("Portale" finds "Portal"), and a word
    /// finds the words it begins and the compounds it stands in ("Portal" finds
    /// "Bürgerportal"). Ranked by BM25. `kinds` restricts the kinds of node, `within` to a
    /// region, district or municipality (topics lie in none). `first` at most 100.
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        kinds: Option<Vec<SearchKind>>,
        within: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<SearchConnection> {
        let page = PageArgs::parse(first, None)?;
        let cursor = after.as_deref().map(|a| Cursor::parse("after", a)).transpose().map_err(invalid)?;
        let has_previous_page = cursor.is_some();
        let kinds = kinds.unwrap_or_default().into_iter().map(SearchKind::node_kind).collect();
        let query = search::SearchQuery::parse(&query, kinds, self::within(within.as_ref())?, page.first, cursor)
            .map_err(invalid)?;
        let services = services(ctx)?;
        let found = services.search(viewer(ctx)?, &query)?;
        let mut edges = Vec::with_capacity(found.hits.len());
        for hit in found.hits {
            let node = services.ranked_nodes(hit.kind, std::slice::from_ref(&hit.id))?.pop().and_then(SearchResult::of);
            if let Some(node) = node {
                edges.push(SearchEdge { cursor: hit.cursor().encode(), node: SearchHit(hit, node) });
            }
        }
        let page_info = PageInfo {
            has_previous_page,
            has_next_page: found.has_next_page,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Ok(SearchConnection { edges, page_info })
    }
}
