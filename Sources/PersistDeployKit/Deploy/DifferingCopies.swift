/// What an admin is told when the live release holds a real folder or file where the link into
/// shared/ belongs, and its copies differ from shared/'s: only one copy of a name can be live,
/// and which one is right (the app's newest write, or shared/'s) is the admin's call, so neither
/// a deploy nor `recover` picks. The deploy, `recover` and `emergency-recovery.sh` give the same
/// two ways out, each a command to paste.
enum DifferingCopies {
    /// The names of the first few differing files, for a message.
    static func shown(_ differing: [String]) -> String {
        differing.prefix(5).map { NameBytes.display($0) }.joined(separator: ", ")
            + (differing.count > 5 ? " and \(differing.count - 5) more" : "")
    }

    /// The two choices for a real folder `live` where the link to `shared` belongs; `then` is the
    /// command that finishes the repair once the admin has chosen.
    static func folderChoices(live: String, shared: String, differing: [String], then: String) -> String {
        let first = differing.first ?? "NAME"
        return "To keep the live release's copies (what the app wrote last; this replaces shared/'s copies of those files, "
            + "which a 'persist-deploy backup' first keeps): cp -a -- \(Shell.quote(live + "/.")) \(Shell.quote(shared + "/")), "
            + "then \(then). To keep shared/'s copies live instead, rename the live release's copy of each (e.g. mv -n -- "
            + "\(Shell.quote(PathName.join(live, first))) \(Shell.quote(PathName.join(live, first) + ".replaced"))), then \(then): "
            + "the renamed files join shared/ under their new names."
    }

    /// The two choices for a real file `live` where the link to the file `shared` belongs.
    static func fileChoices(live: String, shared: String, then: String) -> String {
        "To keep the live release's copy (the app wrote it last) and shared/'s as "
            + "\(Shell.quote(PathName.basename(shared) + ".~1~")) beside it (or the next free number): mv --backup=numbered -- "
            + "\(Shell.quote(live)) \(Shell.quote(shared)), then \(then). To keep shared/'s copy live and the live release's "
            + "beside it: mv -n -- \(Shell.quote(live)) \(Shell.quote(shared + ".replaced")), then \(then)."
    }
}
