//! Top-level lists: the arguments every one takes besides its filter (`first`, `after`,
//! `changedSince`, `orderBy`), the `orderBy` inputs per kind, and the page they select.

use std::collections::HashMap;

use async_graphql::{Context, Enum, InputObject, InputType, OutputType, Result};
use chrono::{DateTime, Utc};

use crate::domain::Entity;
use crate::graph::list::position;
use crate::store::{ListFilter, ListOrder, ListQuery, SortKey};

use super::support::{Edge, IdConnection, PageArgs, connection, invalid, services, total_count, visible};

/// Which way a list runs.
#[derive(Enum, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrderDirection {
    /// Smallest first (A to Z, oldest first, fewest first); nodes without the value first.
    #[default]
    Asc,
    /// Largest first; nodes without the value last.
    Desc,
}

/// What a list of named nodes (Lotsen, experts, regions, districts, topics, organizations)
/// is sorted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum NameOrderField {
    /// The id (the default order).
    Id,
    /// The name, letters compared without case and umlauts first (`Ä` with `A`), then exactly.
    Name,
    /// When the node was last written through the API (`updatedAt`).
    UpdatedAt,
}

/// What a list of municipalities is sorted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum MunicipalityOrderField {
    /// The id (the default order).
    Id,
    /// The name, letters compared without case and umlauts first (`Ä` with `A`), then exactly.
    Name,
    /// The number of inhabitants.
    Population,
    /// When the municipality was last written through the API (`updatedAt`).
    UpdatedAt,
}

/// What a list of projects is sorted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ProjectOrderField {
    /// The id (the default order).
    Id,
    /// The title, letters compared without case and umlauts first (`Ä` with `A`), then exactly.
    Title,
    /// When the project was last written through the API (`updatedAt`).
    UpdatedAt,
}

/// What a list of records (connection requests, audit entries) is sorted by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum RecordOrderField {
    /// The id (the default order).
    Id,
    /// When the record was last written through the API (`updatedAt`).
    UpdatedAt,
}

impl From<NameOrderField> for SortKey {
    fn from(field: NameOrderField) -> Self {
        match field {
            NameOrderField::Id => Self::Id,
            NameOrderField::Name => Self::Name,
            NameOrderField::UpdatedAt => Self::UpdatedAt,
        }
    }
}

impl From<MunicipalityOrderField> for SortKey {
    fn from(field: MunicipalityOrderField) -> Self {
        match field {
            MunicipalityOrderField::Id => Self::Id,
            MunicipalityOrderField::Name => Self::Name,
            MunicipalityOrderField::Population => Self::Population,
            MunicipalityOrderField::UpdatedAt => Self::UpdatedAt,
        }
    }
}

impl From<ProjectOrderField> for SortKey {
    fn from(field: ProjectOrderField) -> Self {
        match field {
            ProjectOrderField::Id => Self::Id,
            ProjectOrderField::Title => Self::Name,
            ProjectOrderField::UpdatedAt => Self::UpdatedAt,
        }
    }
}

impl From<RecordOrderField> for SortKey {
    fn from(field: RecordOrderField) -> Self {
        match field {
            RecordOrderField::Id => Self::Id,
            RecordOrderField::UpdatedAt => Self::UpdatedAt,
        }
    }
}

/// How a list is sorted: by `field`, then by id, so that nodes with the same value keep one
/// place. Cursors belong to their order: pass `after` only with the `orderBy` that gave it.
#[derive(InputObject)]
#[graphql(
    concrete(name = "NameOrder", params(NameOrderField)),
    concrete(name = "MunicipalityOrder", params(MunicipalityOrderField)),
    concrete(name = "ProjectOrder", params(ProjectOrderField)),
    concrete(name = "RecordOrder", params(RecordOrderField))
)]
pub struct Order<F: InputType> {
    /// What to sort by.
    pub field: F,
    /// Which way.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl<F: InputType + Into<SortKey>> From<Order<F>> for ListOrder {
    fn from(order: Order<F>) -> Self {
        Self { key: order.field.into(), descending: order.direction == OrderDirection::Desc }
    }
}

/// The arguments of a top-level list besides its filter.
pub struct ListArgs {
    first: Option<i32>,
    after: Option<String>,
    changed_since: Option<DateTime<Utc>>,
    order: ListOrder,
}

impl ListArgs {
    pub fn new<F: InputType + Into<SortKey>>(
        first: Option<i32>,
        after: Option<String>,
        changed_since: Option<DateTime<Utc>>,
        order_by: Option<Order<F>>,
    ) -> Self {
        Self { first, after, changed_since, order: order_by.map(Into::into).unwrap_or_default() }
    }
}

/// A page of a top-level list from the store, in the order asked for.
pub async fn list<E, O>(ctx: &Context<'_>, mut filter: ListFilter, args: ListArgs) -> Result<IdConnection<O>>
where
    E: Entity,
    O: From<E> + OutputType,
    Edge<O>: OutputType,
{
    let first = PageArgs::parse(args.first, None)?.first;
    let order = args.order;
    let after = args.after.map(|a| order.parse_cursor("after", &a)).transpose().map_err(invalid)?;
    let has_previous = after.is_some();
    filter.changed_since = args.changed_since;
    let query = ListQuery { kind: Some(E::KIND), filter, order, after, first };
    let page = services(ctx)?.list(&query).await?;
    let mut cursors: HashMap<_, _> =
        page.nodes.iter().map(|n| (n.id().clone(), order.cursor(&position(&order, n)))).collect();
    let items = visible::<E>(ctx, page.nodes)
        .await?
        .into_iter()
        .map(|e| (cursors.remove(e.id()).unwrap_or_default(), O::from(e)))
        .collect();
    let total = total_count(ctx, |services, viewer, contacts| services.count(viewer, contacts, &query)).await?;
    Ok(IdConnection { total_count: total, ..connection(items, has_previous, page.has_next_page) })
}
