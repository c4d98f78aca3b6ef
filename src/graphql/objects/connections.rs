//! Connection requests between Lotsen.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

use crate::domain::*;
use crate::graphql::lists::{ListArgs, Order, RecordOrderField, list};
use crate::graphql::objects::LotseObject;
use crate::graphql::support::*;
use crate::service::Response;
use crate::store::{ListFilter, Rel};

/// A request from one Lotse to connect with another; once accepted, the two are contacts.
pub struct ConnectionRequestObject(pub ConnectionRequest);

impl From<ConnectionRequest> for ConnectionRequestObject {
    fn from(c: ConnectionRequest) -> Self {
        Self(c)
    }
}

/// A request from one Lotse to connect with another; once accepted, the two are contacts.
#[Object(name = "ConnectionRequest")]
impl ConnectionRequestObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// The Lotse who sent the request.
    async fn from(&self, ctx: &Context<'_>) -> Result<LotseObject> {
        Ok(load_required::<Lotse>(ctx, &self.0.from).await?.into())
    }
    /// The Lotse the request is addressed to.
    async fn to(&self, ctx: &Context<'_>) -> Result<LotseObject> {
        Ok(load_required::<Lotse>(ctx, &self.0.to).await?.into())
    }
    /// State of the request.
    async fn status(&self) -> ConnectionStatus {
        self.0.status
    }
    /// A note from the sender.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_ref().map(Text::as_str)
    }
    /// When the request was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was accepted, declined or withdrawn.
    async fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.0.responded_at
    }
}

/// Which connection requests to list.
#[derive(InputObject, Default)]
pub struct ConnectionRequestFilter {
    /// Only requests sent by this Lotse.
    pub from_id: Option<ID>,
    /// Only requests addressed to this Lotse.
    pub to_id: Option<ID>,
}

#[derive(Default)]
pub struct ConnectionQuery;

#[Object]
impl ConnectionQuery {
    /// A connection request by id.
    async fn connection_request(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ConnectionRequestObject>> {
        Ok(load::<ConnectionRequest>(ctx, &parse_id("id", &id)?).await?.map(Into::into))
    }
    /// Connection requests, filtered, by id unless `orderBy` says otherwise; `first` at most 100.
    async fn connection_requests(
        &self,
        ctx: &Context<'_>,
        filter: Option<ConnectionRequestFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only nodes written through the API at or after this time (see `updatedAt`).")]
        changed_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "The order of the list: by `field`, then by id; by id when left out.")] order_by: Option<
            Order<RecordOrderField>,
        >,
    ) -> Result<IdConnection<ConnectionRequestObject>> {
        let filter = filter.unwrap_or_default();
        let mut edges = Vec::new();
        if let Some(from) = &filter.from_id {
            edges.push((Rel::RequestFrom, parse_id("fromId", from)?));
        }
        if let Some(to) = &filter.to_id {
            edges.push((Rel::RequestTo, parse_id("toId", to)?));
        }
        list::<ConnectionRequest, _>(
            ctx,
            ListFilter { edges, ..Default::default() },
            ListArgs::new(first, after, changed_since, order_by),
        )
        .await
    }
}

#[derive(Default)]
pub struct ConnectionMutation;

impl ConnectionMutation {
    async fn respond(ctx: &Context<'_>, id: &ID, response: Response) -> Result<ConnectionRequestObject> {
        let request = services(ctx)?.respond_to_request(viewer(ctx)?, &parse_id("id", id)?, response).await?;
        Ok(request.into())
    }
}

#[Object]
impl ConnectionMutation {
    /// Asks another Lotse to connect, as the calling Lotse (admins name the sender in
    /// `fromLotseId`). Fails with CONFLICT while a pending or accepted connection between the
    /// two exists.
    async fn request_connection(
        &self,
        ctx: &Context<'_>,
        to_lotse_id: ID,
        message: Option<String>,
        from_lotse_id: Option<ID>,
    ) -> Result<ConnectionRequestObject> {
        let from = optional_id("fromLotseId", from_lotse_id.as_ref())?;
        let to = parse_id("toLotseId", &to_lotse_id)?;
        let message = message.map(|m| Text::parse_field("message", &m).map_err(invalid)).transpose()?;
        let request = services(ctx)?.request_connection(viewer(ctx)?, from, to, message).await?;
        Ok(request.into())
    }
    /// Accepts a pending request: the two Lotsen become contacts.
    async fn accept_connection_request(&self, ctx: &Context<'_>, id: ID) -> Result<ConnectionRequestObject> {
        Self::respond(ctx, &id, Response::Accept).await
    }
    /// Declines a pending request.
    async fn decline_connection_request(&self, ctx: &Context<'_>, id: ID) -> Result<ConnectionRequestObject> {
        Self::respond(ctx, &id, Response::Decline).await
    }
    /// Withdraws a pending request.
    async fn withdraw_connection_request(&self, ctx: &Context<'_>, id: ID) -> Result<ConnectionRequestObject> {
        Self::respond(ctx, &id, Response::Withdraw).await
    }
    /// Ends the calling Lotse's connection with another (admins name both); returns true.
    async fn remove_connection(&self, ctx: &Context<'_>, other_lotse_id: ID, lotse_id: Option<ID>) -> Result<bool> {
        let lotse = optional_id("lotseId", lotse_id.as_ref())?;
        let other = parse_id("otherLotseId", &other_lotse_id)?;
        services(ctx)?.remove_connection(viewer(ctx)?, lotse, &other).await?;
        Ok(true)
    }
}
