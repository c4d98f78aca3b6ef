//! Regions, districts and municipalities: where Lotsen work.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use crate::domain::*;
use crate::graphql::lists::{ListArgs, MunicipalityOrderField, NameOrderField, Order, list};
use crate::graphql::objects::{LotseObject, ProjectObject};
use crate::graphql::support::*;
use crate::store::{ListFilter, Rel};

/// A Regierungsbezirk, planning region (Region) or Land.
pub struct RegionObject(pub Region);

impl From<Region> for RegionObject {
    fn from(r: Region) -> Self {
        Self(r)
    }
}

/// A Regierungsbezirk, planning region (Region) or Land.
#[Object(name = "Region")]
impl RegionObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// Official name, e.g. "Region Stuttgart" or "Regierungsbezirk Tübingen".
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    /// Administrative level.
    async fn kind(&self) -> RegionKind {
        self.0.kind
    }
    /// The enclosing region, e.g. the Regierungsbezirk of a planning region.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<RegionObject>> {
        match &self.0.parent {
            Some(id) => Ok(Some(load_required::<Region>(ctx, id).await?.into())),
            None => Ok(None),
        }
    }
    /// Regions directly inside this one.
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<RegionObject>> {
        let ids = load_incoming(ctx, NodeKind::Region, Rel::InRegion, &self.0.id).await?;
        Ok(load_many::<Region>(ctx, &ids).await?.into_iter().map(Into::into).collect())
    }
    /// Districts directly in this region.
    async fn districts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<IdConnection<DistrictObject>> {
        let ids = load_incoming(ctx, NodeKind::District, Rel::InRegion, &self.0.id).await?;
        paginate::<District, _>(ctx, ids, first, after).await
    }
}

/// A Landkreis or Stadtkreis.
pub struct DistrictObject(pub District);

impl From<District> for DistrictObject {
    fn from(d: District) -> Self {
        Self(d)
    }
}

/// A Landkreis or Stadtkreis.
#[Object(name = "District")]
impl DistrictObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// Official name, e.g. "Landkreis Ludwigsburg".
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    /// Landkreis or Stadtkreis.
    async fn kind(&self) -> DistrictKind {
        self.0.kind
    }
    /// The planning region (or other region) the district belongs to.
    async fn region(&self, ctx: &Context<'_>) -> Result<RegionObject> {
        Ok(load_required::<Region>(ctx, &self.0.region).await?.into())
    }
    /// Municipalities of the district, by id.
    async fn municipalities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<IdConnection<MunicipalityObject>> {
        let ids = load_incoming(ctx, NodeKind::Municipality, Rel::InDistrict, &self.0.id).await?;
        paginate::<Municipality, _>(ctx, ids, first, after).await
    }
}

/// A Gemeinde or Stadt.
pub struct MunicipalityObject(pub Municipality);

impl From<Municipality> for MunicipalityObject {
    fn from(m: Municipality) -> Self {
        Self(m)
    }
}

/// A Gemeinde or Stadt.
#[Object(name = "Municipality")]
impl MunicipalityObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// Official name.
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    /// Amtlicher Gemeindeschlüssel (8 digits), when known.
    async fn ags(&self) -> Option<&str> {
        self.0.ags.as_ref().map(Ags::as_str)
    }
    /// Legal kind.
    async fn kind(&self) -> MunicipalityKind {
        self.0.kind
    }
    /// Number of inhabitants, when known.
    async fn population(&self) -> Option<u32> {
        self.0.population
    }
    /// Latitude of the town centre (WGS 84), when known.
    async fn latitude(&self) -> Option<f64> {
        self.0.location.map(|c| c.lat())
    }
    /// Longitude of the town centre (WGS 84), when known.
    async fn longitude(&self) -> Option<f64> {
        self.0.location.map(|c| c.lon())
    }
    /// The district the municipality belongs to.
    async fn district(&self, ctx: &Context<'_>) -> Result<DistrictObject> {
        Ok(load_required::<District>(ctx, &self.0.district).await?.into())
    }
    /// Lotsen working for the municipality, by id.
    async fn lotsen(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<IdConnection<LotseObject>> {
        let ids = load_incoming(ctx, NodeKind::Lotse, Rel::WorksFor, &self.0.id).await?;
        paginate::<Lotse, _>(ctx, ids, first, after).await
    }
    /// Projects the municipality owns, by id.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<IdConnection<ProjectObject>> {
        let ids = load_incoming(ctx, NodeKind::Project, Rel::OwnedBy, &self.0.id).await?;
        paginate::<Project, _>(ctx, ids, first, after).await
    }
}

/// Which regions to list.
#[derive(InputObject, Default)]
pub struct RegionFilter {
    /// Only regions inside this region (at any depth).
    pub within: Option<ID>,
    /// Only regions whose name contains this text (case-insensitive).
    pub name_contains: Option<String>,
}

/// Which districts to list.
#[derive(InputObject, Default)]
pub struct DistrictFilter {
    /// Only districts inside this region (at any depth).
    pub within: Option<ID>,
    /// Only districts whose name contains this text (case-insensitive).
    pub name_contains: Option<String>,
}

/// Which municipalities to list.
#[derive(InputObject, Default)]
pub struct MunicipalityFilter {
    /// Only municipalities of this district.
    pub district_id: Option<ID>,
    /// Only municipalities inside this region or district (at any depth).
    pub within: Option<ID>,
    /// Only municipalities whose name contains this text (case-insensitive).
    pub name_contains: Option<String>,
    /// Only municipalities with at least this many inhabitants.
    pub population_min: Option<u32>,
    /// Only municipalities with at most this many inhabitants.
    pub population_max: Option<u32>,
}

#[derive(Default)]
pub struct GeographyQuery;

#[Object]
impl GeographyQuery {
    /// A region by id.
    async fn region(&self, ctx: &Context<'_>, id: ID) -> Result<Option<RegionObject>> {
        Ok(load::<Region>(ctx, &parse_id("id", &id)?).await?.map(Into::into))
    }
    /// Regions, filtered, by id unless `orderBy` says otherwise; `first` at most 100.
    async fn regions(
        &self,
        ctx: &Context<'_>,
        filter: Option<RegionFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only nodes written through the API at or after this time (see `updatedAt`).")]
        changed_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "The order of the list: by `field`, then by id; by id when left out.")] order_by: Option<
            Order<NameOrderField>,
        >,
    ) -> Result<IdConnection<RegionObject>> {
        let filter = filter.unwrap_or_default();
        let store_filter =
            ListFilter { within: within(filter.within.as_ref())?, text: filter.name_contains, ..Default::default() };
        list::<Region, _>(ctx, store_filter, ListArgs::new(first, after, changed_since, order_by)).await
    }
    /// A district by id.
    async fn district(&self, ctx: &Context<'_>, id: ID) -> Result<Option<DistrictObject>> {
        Ok(load::<District>(ctx, &parse_id("id", &id)?).await?.map(Into::into))
    }
    /// Districts, filtered, by id unless `orderBy` says otherwise; `first` at most 100.
    async fn districts(
        &self,
        ctx: &Context<'_>,
        filter: Option<DistrictFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only nodes written through the API at or after this time (see `updatedAt`).")]
        changed_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "The order of the list: by `field`, then by id; by id when left out.")] order_by: Option<
            Order<NameOrderField>,
        >,
    ) -> Result<IdConnection<DistrictObject>> {
        let filter = filter.unwrap_or_default();
        let store_filter =
            ListFilter { within: within(filter.within.as_ref())?, text: filter.name_contains, ..Default::default() };
        list::<District, _>(ctx, store_filter, ListArgs::new(first, after, changed_since, order_by)).await
    }
    /// A municipality by id.
    async fn municipality(&self, ctx: &Context<'_>, id: ID) -> Result<Option<MunicipalityObject>> {
        Ok(load::<Municipality>(ctx, &parse_id("id", &id)?).await?.map(Into::into))
    }
    /// Municipalities, filtered, by id unless `orderBy` says otherwise; `first` at most 100.
    async fn municipalities(
        &self,
        ctx: &Context<'_>,
        filter: Option<MunicipalityFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only nodes written through the API at or after this time (see `updatedAt`).")]
        changed_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "The order of the list: by `field`, then by id; by id when left out.")] order_by: Option<
            Order<MunicipalityOrderField>,
        >,
    ) -> Result<IdConnection<MunicipalityObject>> {
        let filter = filter.unwrap_or_default();
        let mut edges = Vec::new();
        if let Some(district) = &filter.district_id {
            edges.push((Rel::InDistrict, parse_id("districtId", district)?));
        }
        let store_filter = ListFilter {
            edges,
            within: within(filter.within.as_ref())?,
            text: filter.name_contains,
            population_min: filter.population_min,
            population_max: filter.population_max,
            ..Default::default()
        };
        list::<Municipality, _>(ctx, store_filter, ListArgs::new(first, after, changed_since, order_by)).await
    }
}

/// A new region.
#[derive(InputObject)]
pub struct CreateRegionInput {
    /// Identifier; generated when left out.
    pub id: Option<ID>,
    /// Official name.
    pub name: String,
    /// Administrative level.
    pub kind: RegionKind,
    /// Enclosing region.
    pub parent_id: Option<ID>,
}

/// Changes to a region; fields left out stay as they are, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateRegionInput {
    /// New name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<RegionKind>,
    /// New parent; `null` removes it.
    pub parent_id: MaybeUndefined<ID>,
}

/// A new district.
#[derive(InputObject)]
pub struct CreateDistrictInput {
    /// Identifier; generated when left out.
    pub id: Option<ID>,
    /// Official name.
    pub name: String,
    /// Landkreis or Stadtkreis.
    pub kind: DistrictKind,
    /// Region the district belongs to.
    pub region_id: ID,
}

/// Changes to a district; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateDistrictInput {
    /// New name.
    pub name: Option<String>,
    /// New kind.
    pub kind: Option<DistrictKind>,
    /// New region.
    pub region_id: Option<ID>,
}

/// A new municipality.
#[derive(InputObject)]
pub struct CreateMunicipalityInput {
    /// Identifier; generated when left out.
    pub id: Option<ID>,
    /// Official name.
    pub name: String,
    /// District the municipality belongs to.
    pub district_id: ID,
    /// Amtlicher Gemeindeschlüssel, 8 digits; unique.
    pub ags: Option<String>,
    /// Legal kind.
    #[graphql(default_with = "MunicipalityKind::Gemeinde")]
    pub kind: MunicipalityKind,
    /// Number of inhabitants.
    pub population: Option<u32>,
    /// Latitude (WGS 84, -90 to 90); give together with longitude.
    pub latitude: Option<f64>,
    /// Longitude (WGS 84, -180 to 180); give together with latitude.
    pub longitude: Option<f64>,
}

/// Changes to a municipality; fields left out stay as they are, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateMunicipalityInput {
    /// New name.
    pub name: Option<String>,
    /// New district.
    pub district_id: Option<ID>,
    /// New AGS (8 digits); `null` removes it.
    pub ags: MaybeUndefined<String>,
    /// New kind.
    pub kind: Option<MunicipalityKind>,
    /// New number of inhabitants; `null` removes it.
    pub population: MaybeUndefined<u32>,
    /// Give latitude and longitude together; `null` for both clears the location.
    pub latitude: MaybeUndefined<f64>,
    /// New longitude; give together with latitude.
    pub longitude: MaybeUndefined<f64>,
}

fn location(latitude: Option<f64>, longitude: Option<f64>) -> Result<Option<Coordinates>> {
    match (latitude, longitude) {
        (Some(lat), Some(lon)) => Ok(Some(Coordinates::parse(lat, lon).map_err(invalid)?)),
        (None, None) => Ok(None),
        _ => Err(crate::graphql::errors::bad_input("latitude", "latitude and longitude must be given together")),
    }
}

fn ags(raw: Option<&str>) -> Result<Option<Ags>> {
    raw.map(|a| Ags::parse_field("ags", a).map_err(invalid)).transpose()
}

#[derive(Default)]
pub struct GeographyMutation;

#[Object]
impl GeographyMutation {
    /// Creates a region.
    async fn create_region(&self, ctx: &Context<'_>, input: CreateRegionInput) -> Result<RegionObject> {
        let region = Region {
            id: new_id(ctx, NodeKind::Region, input.id.as_ref())?,
            name: name("name", &input.name)?,
            kind: input.kind,
            parent: optional_id("parentId", input.parent_id.as_ref())?,
            updated_at: None,
        };
        Ok(create(ctx, region).await?.into())
    }
    /// Changes a region.
    async fn update_region(&self, ctx: &Context<'_>, id: ID, input: UpdateRegionInput) -> Result<RegionObject> {
        let mut region = editable::<Region>(ctx, &id).await?;
        if let Some(n) = &input.name {
            region.name = name("name", n)?;
        }
        if let Some(kind) = input.kind {
            region.kind = kind;
        }
        patch(&mut region.parent, parse_patch(input.parent_id, |p| parse_id("parentId", &p))?);
        Ok(update(ctx, region).await?.into())
    }
    /// Deletes a region that no district, region or expert refers to; returns its id.
    async fn delete_region(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        delete(ctx, NodeKind::Region, id).await
    }
    /// Creates a district.
    async fn create_district(&self, ctx: &Context<'_>, input: CreateDistrictInput) -> Result<DistrictObject> {
        let district = District {
            id: new_id(ctx, NodeKind::District, input.id.as_ref())?,
            name: name("name", &input.name)?,
            kind: input.kind,
            region: parse_id("regionId", &input.region_id)?,
            updated_at: None,
        };
        Ok(create(ctx, district).await?.into())
    }
    /// Changes a district.
    async fn update_district(&self, ctx: &Context<'_>, id: ID, input: UpdateDistrictInput) -> Result<DistrictObject> {
        let mut district = editable::<District>(ctx, &id).await?;
        if let Some(n) = &input.name {
            district.name = name("name", n)?;
        }
        if let Some(kind) = input.kind {
            district.kind = kind;
        }
        if let Some(region) = &input.region_id {
            district.region = parse_id("regionId", region)?;
        }
        Ok(update(ctx, district).await?.into())
    }
    /// Deletes a district without municipalities or experts serving it; returns its id.
    async fn delete_district(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        delete(ctx, NodeKind::District, id).await
    }
    /// Creates a municipality.
    async fn create_municipality(
        &self,
        ctx: &Context<'_>,
        input: CreateMunicipalityInput,
    ) -> Result<MunicipalityObject> {
        let municipality = Municipality {
            id: new_id(ctx, NodeKind::Municipality, input.id.as_ref())?,
            name: name("name", &input.name)?,
            district: parse_id("districtId", &input.district_id)?,
            ags: ags(input.ags.as_deref())?,
            kind: input.kind,
            population: input.population,
            location: location(input.latitude, input.longitude)?,
            updated_at: None,
        };
        Ok(create(ctx, municipality).await?.into())
    }
    /// Changes a municipality.
    async fn update_municipality(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateMunicipalityInput,
    ) -> Result<MunicipalityObject> {
        let mut m = editable::<Municipality>(ctx, &id).await?;
        if let Some(n) = &input.name {
            m.name = name("name", n)?;
        }
        if let Some(district) = &input.district_id {
            m.district = parse_id("districtId", district)?;
        }
        patch(&mut m.ags, parse_patch(input.ags, |a| Ags::parse_field("ags", &a).map_err(invalid))?);
        if let Some(kind) = input.kind {
            m.kind = kind;
        }
        patch(&mut m.population, input.population);
        match (input.latitude, input.longitude) {
            (MaybeUndefined::Undefined, MaybeUndefined::Undefined) => {}
            (lat, lon) => m.location = location(lat.take(), lon.take())?,
        }
        Ok(update(ctx, m).await?.into())
    }
    /// Deletes a municipality without Lotsen or projects; returns its id.
    async fn delete_municipality(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        delete(ctx, NodeKind::Municipality, id).await
    }
}
