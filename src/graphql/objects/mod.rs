//! GraphQL object types, queries and mutations, one file per area.

pub mod account;
pub mod connections;
pub mod feedback;
pub mod geography;
pub mod introductions;
pub mod invitations;
pub mod nodes;
pub mod notifications;
pub mod people;
pub mod projects;
pub mod recommendations;
pub mod search;
pub mod topics;
pub mod transfer;

pub use connections::ConnectionRequestObject;
pub use geography::{DistrictObject, MunicipalityObject, RegionObject};
pub use invitations::ProjectInvitationObject;
pub use people::{ExpertObject, LotseObject};
pub use projects::ProjectObject;
pub use topics::{OrganizationObject, TopicObject};
