/// The sign-in page: a token, posted with the sign-in cookie's CSRF value.
struct SignInPage {
    var title = "Sign in"
    var user: ConsoleUser?
    var inlineCSS: String?
    var signinCSRF: String
    var message: String?
    /// The console page to go to once signed in (checked by ``ConsoleRoutes/safeNext(_:)``).
    var next: String?
}

/// A page that says what went wrong and where to go (no stack, no internals).
struct ErrorPage {
    var title: String
    var user: ConsoleUser?
    var inlineCSS: String?
    var heading: String
    var message: String
}

/// Opening a case by its id, for roles that may read cases but not search candidates.
struct OpenCasePage {
    var title = "Open a case"
    var user: ConsoleUser?
    var inlineCSS: String?
    var caseID: String
    var role: String
    var error: String?
}

/// The question the console asks before it shows a case's personal data (issue 17): why this
/// case is being opened. The answer is kept for the session and recorded with every read.
struct PurposePage {
    var title = "Why are you opening this case?"
    var user: ConsoleUser?
    var inlineCSS: String?
    var caseID: String
    /// Where the answer goes (the case page, its saved view, its evidence).
    var action: String
    var purpose: String
    var error: String?
}
