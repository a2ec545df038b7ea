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
