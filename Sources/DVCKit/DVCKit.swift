// DVCKit: the umbrella module. `import DVCKit` gives every public API of the layers below.
@_exported public import DVCCore
@_exported public import DVCClient
@_exported public import DVCSync
