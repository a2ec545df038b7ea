import Foundation
import Mustache

/// The console's Mustache templates and stylesheet, read once from the server's resources.
/// Mustache escapes every `{{value}}` for HTML, so nothing a candidate or a client typed can
/// become markup; the only unescaped values (`{{{…}}}`) are the stylesheet and the charts the
/// server draws itself.
struct ConsoleTemplates: Sendable {
    let library: MustacheLibrary
    /// `console.css`, served at `/console/assets/console.css` and inlined in saved views.
    let stylesheet: String

    /// The templates in the resources' `console` folder.
    static let shared: ConsoleTemplates = {
        guard let folder = Bundle.module.url(forResource: "console", withExtension: nil) else {
            fatalError("the console's templates are missing from the server's resources")
        }
        var library = MustacheLibrary()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasSuffix(".mustache") {
            let text = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
            do {
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch {
                fatalError("console template \(name) does not parse: \(error)")
            }
        }
        let css = (try? String(contentsOf: folder.appendingPathComponent("console.css"), encoding: .utf8)) ?? ""
        return ConsoleTemplates(library: library, stylesheet: css)
    }()

    /// Page `template` filled from `page` (a value whose properties the template names).
    func render(_ page: Any, template: String) -> String {
        guard let html = library.render(page, withTemplate: template) else {
            fatalError("no console template \(template)")
        }
        return html
    }
}
