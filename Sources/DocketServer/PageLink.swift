import Foundation
import HTTPTypes
import Hummingbird

/// `Link: <…>; rel="next"` (RFC 8288) for a page that has a next one: the request's own path and
/// query with one parameter set to where the next page starts, so a client follows links
/// without building URLs.
enum PageLink {
    static let name = HTTPField.Name("Link")!

    /// The link to the page starting at `value` of parameter `key`.
    static func next(_ request: Request, key: String, value: String) -> String {
        var components = URLComponents()
        components.path = request.uri.path
        var items = request.uri.queryParameters.map { URLQueryItem(name: String($0.key), value: String($0.value)) }
        items.removeAll { $0.name == key }
        items.append(URLQueryItem(name: key, value: value))
        components.queryItems = items
        return "<\(components.string ?? request.uri.path)>; rel=\"next\""
    }
}
