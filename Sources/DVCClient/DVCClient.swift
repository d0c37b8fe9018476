// DVCClient: transport, middleware and the portal, payment-platform and single-sign-on clients
// (design.md, "Layers"). It depends on DVCCore and never touches the disk.
//
// The transport protocol and the portal client arrive with the client issue; until then this
// module only fixes its place in the layering, so that products depending on it build today.
import DVCCore
