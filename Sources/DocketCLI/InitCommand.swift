import ArgumentParser
import DocketStore

/// `docket init`: creates an empty store.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty store.",
        discussion: "Refuses to touch a directory that already holds a store."
    )

    @OptionGroup var options: StoreOptions

    func run() throws {
        do {
            try DocketStore.create(at: options.path)
        } catch {
            throw Terminal.fail(error)
        }
        print("created an empty store at \(options.path)")
    }
}
