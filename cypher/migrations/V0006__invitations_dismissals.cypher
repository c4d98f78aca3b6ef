// Project invitations and dismissals of recommendations: each label gets its own id index,
// and pending invitations are found by their status.
CREATE CONSTRAINT project_invitation_id IF NOT EXISTS FOR (n:ProjectInvitation) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT dismissal_id IF NOT EXISTS FOR (n:Dismissal) REQUIRE n.id IS UNIQUE;
CREATE INDEX project_invitation_status IF NOT EXISTS FOR (n:ProjectInvitation) ON (n.status);
