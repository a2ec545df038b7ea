#if canImport(Glibc)
import Glibc
#endif

/// A plain joinable thread (Foundation's `Thread` cannot be joined; the pipeline's reader must
/// finish before the caller returns).
final class Thread: @unchecked Sendable {
    private var handle = pthread_t()
    private let body: () -> Void

    init(_ body: @escaping () -> Void) { self.body = body }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(
            &handle,
            nil,
            { raw in
                let thread = Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue()
                thread.body()
                return nil
            },
            context
        )
    }

    func join() { pthread_join(handle, nil) }
}
