// DVCSync: the durable outbox and the sync engine (design.md, "Layers"). It is the only layer
// that owns files, and it depends on DVCClient.
//
// The outbox arrives with the sync-engine issue; until then this module only fixes its place
// in the layering.
import DVCClient
