// DVCTesting: the in-memory transport, the portal sandbox and the loopback HTTP server that
// users test their integrations with (design.md, "Layers"). It depends on DVCClient.
