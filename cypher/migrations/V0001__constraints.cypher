// Every node carries the label Node besides its kind, so one constraint keeps ids unique
// across all kinds; the per-kind constraints give each label its own id index.
CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT region_id IF NOT EXISTS FOR (n:Region) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT district_id IF NOT EXISTS FOR (n:District) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT municipality_id IF NOT EXISTS FOR (n:Municipality) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT topic_id IF NOT EXISTS FOR (n:Topic) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT lotse_id IF NOT EXISTS FOR (n:Lotse) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT expert_id IF NOT EXISTS FOR (n:Expert) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT connection_request_id IF NOT EXISTS FOR (n:ConnectionRequest) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE;
// The Amtlicher Gemeindeschlüssel names one municipality.
CREATE CONSTRAINT municipality_ags IF NOT EXISTS FOR (n:Municipality) REQUIRE n.ags IS UNIQUE;
// The node every write transaction locks first, so writes apply one at a time.
CREATE CONSTRAINT write_lock_name IF NOT EXISTS FOR (n:__WriteLock) REQUIRE n.name IS UNIQUE;
