import Foundation

/// Makes SIGINT and SIGTERM end `bench` at once, whatever signal mask or disposition it inherited
/// (a parent such as a test runner or a CI agent may have blocked or ignored them). Runs publish
/// their folder in one rename at the very end, so stopping at any other moment leaves earlier
/// runs untouched.
enum SignalDisposition {
    static func restoreDefaults() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_DFL)
            sigaddset(&signals, signalNumber)
        }
        sigprocmask(SIG_UNBLOCK, &signals, nil)
    }
}
