import Foundation
import Hummingbird
import Yams

/// `GET /openapi.yaml` (the API's OpenAPI 3.1 document, `docs/openapi.yaml`) and `GET /reference`
/// (the same as a page a person reads: every route with its roles, parameters and answers). No
/// token: they describe the API, and hold no data.
struct DocumentRoutes: Sendable {
    /// The document's bytes, and the page made from them once.
    let document: [UInt8]
    let page: [UInt8]

    init() {
        let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
        let bytes = url.flatMap { FileManager.default.contents(atPath: $0.path) }.map { Array($0) } ?? []
        document = bytes
        page = Array(ReferencePage.html(yaml: String(decoding: bytes, as: UTF8.self)).utf8)
    }

    func register(on router: Router<DocketRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            JSONBody.response(bytes: document, contentType: "application/yaml; charset=utf-8")
        }
        router.get("/reference") { _, _ in
            JSONBody.response(bytes: page, contentType: "text/html; charset=utf-8")
        }
    }
}

/// The OpenAPI document as one plain HTML page (no script, no external file).
enum ReferencePage {
    static func html(yaml: String) -> String {
        guard let root = (try? Yams.load(yaml: yaml)) as? [String: Any] else {
            return page(title: "Docket HTTP API", body: "<p>The API document could not be read.</p>")
        }
        let info = root["info"] as? [String: Any] ?? [:]
        var body = "<h1>\(HTMLText.escape(info["title"] as? String ?? "Docket HTTP API"))</h1>"
        body += "<p class=\"meta\">OpenAPI \(HTMLText.escape(root["openapi"] as? String ?? "?")) · "
        body +=
            "version \(HTMLText.escape("\(info["version"] ?? "?")")) · <a href=\"/openapi.yaml\">openapi.yaml</a></p>"
        body += paragraphs(info["description"] as? String ?? "")
        let paths = root["paths"] as? [String: Any] ?? [:]
        body += "<nav><ul>"
        for path in paths.keys.sorted() {
            for method in methods(paths[path]) {
                body +=
                    "<li><a href=\"#\(anchor(method, path))\"><code>\(method.uppercased()) \(HTMLText.escape(path))</code></a></li>"
            }
        }
        body += "</ul></nav>"
        for path in paths.keys.sorted() {
            guard let operations = paths[path] as? [String: Any] else { continue }
            for method in methods(operations) {
                guard let operation = operations[method] as? [String: Any] else { continue }
                body +=
                    "<section id=\"\(anchor(method, path))\"><h2><code>\(method.uppercased()) \(HTMLText.escape(path))</code></h2>"
                if let summary = operation["summary"] as? String {
                    body += "<p><strong>\(HTMLText.escape(summary))</strong></p>"
                }
                body += paragraphs(operation["description"] as? String ?? "")
                let parameters = (operation["parameters"] as? [Any] ?? []).compactMap { resolve($0, root) }
                if !parameters.isEmpty {
                    body += "<table><tr><th>parameter</th><th>in</th><th>required</th><th>what</th></tr>"
                    for p in parameters {
                        body += "<tr><td><code>\(HTMLText.escape(p["name"] as? String ?? ""))</code></td>"
                        body +=
                            "<td>\(HTMLText.escape(p["in"] as? String ?? ""))</td><td>\((p["required"] as? Bool ?? false) ? "yes" : "")</td>"
                        body += "<td>\(HTMLText.escape(p["description"] as? String ?? ""))</td></tr>"
                    }
                    body += "</table>"
                }
                let responses = operation["responses"] as? [String: Any] ?? [:]
                if !responses.isEmpty {
                    body += "<table><tr><th>status</th><th>answer</th></tr>"
                    for status in responses.keys.sorted() {
                        let response = resolve(responses[status] as Any, root) ?? [:]
                        body +=
                            "<tr><td>\(HTMLText.escape(status))</td><td>\(HTMLText.escape(response["description"] as? String ?? ""))</td></tr>"
                    }
                    body += "</table>"
                }
                body += "</section>"
            }
        }
        return page(title: info["title"] as? String ?? "Docket HTTP API", body: body)
    }

    static func methods(_ item: Any?) -> [String] {
        let all = ["get", "post", "put", "patch", "delete"]
        guard let item = item as? [String: Any] else { return [] }
        return all.filter { item[$0] != nil }
    }

    /// A `$ref` followed within the document (`#/components/…`), or the object itself.
    static func resolve(_ value: Any, _ root: [String: Any]) -> [String: Any]? {
        guard let object = value as? [String: Any] else { return nil }
        guard let ref = object["$ref"] as? String, ref.hasPrefix("#/") else { return object }
        var current: Any = root
        for part in ref.dropFirst(2).split(separator: "/") {
            guard let next = (current as? [String: Any])?[String(part)] else { return nil }
            current = next
        }
        return current as? [String: Any]
    }

    static func anchor(_ method: String, _ path: String) -> String {
        method + path.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }

    static func paragraphs(_ text: String) -> String {
        text.components(separatedBy: "\n\n").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            .map { "<p>" + HTMLText.escape($0) + "</p>" }.joined()
    }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(HTMLText.escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2733}
        code{font-family:ui-monospace,monospace;font-size:.92em}h2{margin-top:2.2rem;border-top:1px solid #d8dee6;padding-top:1rem}
        table{border-collapse:collapse;width:100%;margin:.6rem 0}td,th{border:1px solid #d8dee6;padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#f2f5f8}.meta{color:#5a6b7d}nav ul{columns:2;padding-left:1.2rem}</style></head>
        <body>\(body)</body></html>
        """
    }
}
