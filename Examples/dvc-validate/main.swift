// dvc-validate: validates national codes read from standard input, one per line.
// Run `swift run dvc-validate --help` for the kinds and the output format.
import DVCCommandLine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

var output = FileDescriptorOutput(1)
var errors = FileDescriptorOutput(2)
let status = ValidateCommand.run(Array(CommandLine.arguments.dropFirst()), input: FileDescriptorInput(0), output: &output, errors: &errors)
exit(status)
