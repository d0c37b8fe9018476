import DVCKit
