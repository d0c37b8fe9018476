extension Duration {
    /// The duration in seconds, as a `Double` (for `TimeInterval` APIs and rates), shared by every
    /// module of the package.
    package var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
