/// The check of an adoption of a live release's path a deploy was killed in (`AdoptionJournal`):
/// the record does not name that path yet, so no other check would see its data unreachable.
extension HealthChecker {
    static let finishIt = "run persist-deploy recover or rerun the deploy"

    func adoptionChecks(root: DeployRoot) -> [HealthCheckResult] {
        let label = ".persist-deploy/adoption-journal"
        func result(_ status: HealthCheckResult.Status, _ path: String, _ message: String) -> [HealthCheckResult] {
            [HealthCheckResult(name: "adoption", path: path, status: status, message: message)]
        }
        let journal: AdoptionJournal
        switch AdoptionJournal.read(root, fileSystem: fileSystem) {
        case .none: return []
        case .unreadable:
            return result(.fail, label, "cannot be read: a deploy adopting a path into shared/ was interrupted; check the live release's links against shared/, then remove it")
        case .journal(let read): journal = read
        }
        let path = journal.path
        let live = "releases/\(journal.release)/\(path)"
        switch journal.stage(root, fileSystem: fileSystem) {
        case .nothingMoved:
            return result(.warn, path, "a deploy was killed before it moved \(live) into shared/ (the site still has all of it); \(Self.finishIt)")
        case .unlinked:
            return result(.fail, path, "data moved into shared/\(path) but not linked at \(live); \(Self.finishIt)")
        case .copiedNotSwapped:
            return result(.fail, path, "data copied into shared/\(path) but not linked at \(live), which still serves the old copy; \(Self.finishIt)")
        case .asideNotMerged:
            return result(.fail, path, "linked to shared/\(path), but the old copy set aside beside \(live) is not merged into it yet; \(Self.finishIt)")
        case .linked:
            return result(.warn, path, "linked to shared/\(path) by a deploy that was killed before it recorded it; \(Self.finishIt)")
        case .unknown:
            return result(.fail, path, "a deploy adopting it was killed, and neither \(live) nor shared/\(path) is as it left them; look for the data (a disk not mounted?)")
        }
    }
}
