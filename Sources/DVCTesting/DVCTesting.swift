// DVCTesting: the in-memory transport, the portal sandbox and the loopback HTTP server that
// users test their integrations with (design.md, "Layers"). It depends on DVCClient.
//
// The sandbox arrives with the sandbox issue; until then this module only fixes its place in
// the layering.
import DVCClient
