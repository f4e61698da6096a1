/// Why a cycle runs.
public enum CycleTrigger: Equatable, Sendable {
    case initialStart
    case changes(ChangeSet)
    /// `[server]` changed in a reloaded config.
    case configChanged
    /// `on_crash = "restart"`, after the backoff.
    case crashRestart
    /// `:r` typed at altv-dev's console.
    case manualRestart
    /// `altv-dev send restart-resource NAME`: these resources, through the server's console.
    case resourceRestart([String])
}

/// What one cycle will do, in order: the planner's answer to a trigger.
public struct Plan: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        /// `gate = false` stages, started beside the cycle: nothing waits for them.
        case startChecks([String])
        /// Stages run at the same time; the next action waits for all of them.
        case runStages([String])
        /// Wait for services still starting (the server needs them).
        case awaitServices
        case stopServer
        case startServer
        case awaitReady
        case reconnectClient
        /// `restart <name>` in the server's console for each, waiting for its loaded line; the
        /// resources the stages were seen writing are added when it runs.
        case restartResources([String])
        /// `stop <name>` for resources whose folders are gone (deleted or moved away).
        case stopResources([String])
        /// After the first start's stages: the entry files (`main`) they should have written and did not.
        case checkBuiltFiles
    }

    public var trigger: CycleTrigger
    public var actions: [Action]
    /// The server as the scheduler knew it when the plan was made.
    public var server: ServerState = .notRunning
    /// The settings the plan was made from: a config saved while it runs changes nothing in it.
    public var settings: Settings
    /// What replaces `restartResources` when a resource restart fails or stalls.
    public var fallback: [Action] = []
    /// For the stages' `ALTV_DEV_CHANGED`: the changed paths relative to the config's folder.
    public var changedPaths: [String] = []
    /// For the stages' `ALTV_DEV_RESOURCES`: the resources the change set touches, including
    /// those a changed source folder is named after (`src/core/…` touches `core`).
    public var resources: [String] = []
    /// Why a change set restarts the whole server under `on_change = "restart-resources"`.
    public var fullRestartReason: FullRestartReason?
    /// Which resources depend on which, read when the plan restarts resources.
    public var resourceGraph = ResourceGraph()
    /// The resources server.toml's `resources` lists, when the plan restarts resources and the list
    /// is known and not `"*"`: a change to any other is not restarted (the server does not load it).
    public var serverLoads: [String]?
    /// Under a resource restart: the resources each stage's `outputs` name, for the stages whose
    /// outputs all lie in the resources folder. A failure of such a stage holds back only these.
    public var resourcesOfStage: [String: [String]] = [:]
    /// Under a resource restart: the resources a `stop_first` stage's outputs name, stopped before it ran.
    public var resourcesStoppedFirst: [String] = []
    /// Under a resource restart: the resources to restart before their roots are taken.
    public var restartCandidates: [String] = []

    /// What the executor needs of the config, resolved when the plan is made.
    public struct Settings: Equatable, Sendable {
        public var directory: String
        /// The stages the plan runs, by name.
        public var stages: [StageSettings]
        public var server: ServerSettings
        public var reconnect: ReconnectSettings
    }

    /// The resolved settings of the stages in one `runStages` batch.
    public func stages(named names: [String]) -> [StageSettings] {
        names.compactMap { name in settings.stages.first { $0.name == name } }
    }

    /// The resources the plan restarts in the server's console (before those the stages are seen writing).
    public var resourcesToRestart: [String] {
        actions.lazy.compactMap { action -> [String]? in
            if case .restartResources(let names) = action { return names }
            return nil
        }.first ?? []
    }

    /// The resources to hold back when `stages` failed, so the rest of the change goes ahead; nil
    /// when it cannot: the plan restarts the whole server, or a failed stage may write anywhere.
    public func heldBack(byFailureOf stages: [String]) -> [String]? {
        guard !fallback.isEmpty, !stages.isEmpty else { return nil }
        var held: [String] = []
        for stage in stages {
            guard let resources = resourcesOfStage[stage] else { return nil }
            held += resources.filter { !held.contains($0) }
        }
        return held
    }

    /// The changed paths (absolute) that `stages` ran for: what a failed stage must see again.
    public func changedPaths(for stages: [String]) -> [String] {
        guard case .changes(let changes) = trigger else { return [] }
        let globs = settings.stages.filter { stages.contains($0.name) }.map { stage in stage.when.map { GlobSet(base: settings.directory, patterns: $0) } }
        // A stage without `when` runs for every path.
        if globs.contains(where: { $0 == nil }) { return changes.paths }
        return changes.paths.filter { path in globs.contains { $0!.matches(path) } }
    }

    /// The first file event of the change set that started it, for "save → ready".
    public var firstEventAt: ContinuousClock.Instant? {
        if case .changes(let changes) = trigger { return changes.firstEventAt }
        return nil
    }

    /// Every gating stage the plan runs.
    public var stageNames: [String] {
        actions.flatMap { action -> [String] in
            if case .runStages(let names) = action { return names }
            return []
        }
    }

    /// The `gate = false` stages the plan starts beside it.
    public var checkNames: [String] {
        actions.flatMap { action -> [String] in
            if case .startChecks(let names) = action { return names }
            return []
        }
    }
}

extension Plan.Action {
    var isResourceRestart: Bool {
        switch self {
        case .restartResources, .stopResources: true
        default: false
        }
    }

    /// Once a cycle starts the server or restarts resources it is not cut off by a change: a start
    /// must reach its ready line and reconnect, a console restart its loaded lines.
    public var commitsTheCycle: Bool {
        switch self {
        case .startServer, .restartResources, .stopResources: true
        case .startChecks, .runStages, .checkBuiltFiles, .awaitServices, .stopServer, .awaitReady, .reconnectClient: false
        }
    }
}

/// Turns a trigger into a plan; pure apart from looking for `resource.toml` files, so the rules
/// are testable without a process.
public enum Planner {
    public static func plan(
        for trigger: CycleTrigger, config: Config, server: ServerState,
        resources map: ResourceMap? = nil, graph: ResourceGraph? = nil
    ) -> Plan {
        let map = map ?? ResourceMap(resourcesDir: config.server.resourcesDir, platform: config.server.platform.platform)
        var plan = Plan(
            trigger: trigger, actions: [], server: server,
            settings: Plan.Settings(directory: config.directory, stages: [], server: config.server, reconnect: config.reconnect))
        let stages = selectedStages(for: trigger, config: config)
        if case .changes(let changes) = trigger { plan.changedPaths = changes.paths.map { PathFilter.relative($0, to: config.directory) ?? $0 } }
        plan.settings.stages = stages
        let (gating, checks) = (stages.filter(\.gate), stages.filter { !$0.gate })
        var touched = Touched()
        if case .changes(let changes) = trigger {
            touched = resourcesTouched(by: changes, stages: gating, checks: checks, config: config, map: map)
            plan.resources = touched.all
        }
        if case .resourceRestart(let names) = trigger { return resourceRestartPlan(names, plan, config: config, server: server, graph: graph) }
        let isChange: Bool = if case .changes = trigger { true } else { false }
        let consoleRestart = config.server.onChange == .restartResources && isChange
        let reason = consoleRestart ? restartReason(touched, gating: gating, server: server) : nil
        // What a stop_first stage overwrites is stopped before it: its resources in the console, else the server.
        let stopFirstResources = consoleRestart && reason == nil ? gating.first(where: \.stopsFirst).flatMap { touched.ofStage[$0.name] } : nil
        let stopFirst: Plan.Action? = stopFirstResources.map { .stopResources($0) } ?? (server.needsStop ? .stopServer : nil)
        let stopsServerFirst: Bool
        (plan.actions, stopsServerFirst) = stageActions(gating: gating, checks: checks, stop: stopFirst)
        // The doctor left out what the stages write; once they ran, what they did not write is said.
        if trigger == .initialStart, gating.contains(where: { !$0.outputs.isEmpty }) { plan.actions.append(.checkBuiltFiles) }
        let start: [Plan.Action] = (config.services.isEmpty ? [] : [.awaitServices]) + [.startServer, .awaitReady] + (config.reconnect.enabled ? [.reconnectClient] : [])
        let fullRestart = (server.needsStop && !stopsServerFirst ? [.stopServer] : []) + start
        // Only checks care about the change (a test file, a README a linter reads): nothing is restarted.
        if touched.checksOnly { return plan }
        guard consoleRestart else {
            plan.actions += fullRestart
            return plan
        }
        if let reason {
            plan.fullRestartReason = reason
            plan.actions += fullRestart
            return plan
        }
        plan.resourceGraph = graph ?? ResourceGraph.read(resourcesDir: config.server.resourcesDir, platform: config.server.platform.platform)
        // alt:V loads only what server.toml lists; FXServer's `ensure` starts any resource it finds.
        if config.server.platform == .altv, case .success(let toml) = ServerToml.read(at: config.server.serverToml), !toml.resources.contains("*") {
            plan.serverLoads = toml.resources
        }
        // A resource whose folder is gone is stopped, not restarted (a restart would fail to load it).
        let gone = touched.restart.filter(map.isGone)
        if !gone.isEmpty { plan.actions.append(.stopResources(gone)) }
        plan.restartCandidates = touched.restart.filter { !gone.contains($0) }
        plan.actions.append(.restartResources(plan.resourceGraph.roots(of: plan.restartCandidates)))
        plan.resourcesOfStage = touched.ofStage
        plan.resourcesStoppedFirst = stopFirstResources ?? []
        // Falling back means the whole server: stopped first if the plan did not stop it yet.
        plan.fallback = (server.needsStop ? [.stopServer] : []) + start
        return plan
    }

    /// A resource restarted on request: through the console when it takes commands, else the whole server.
    static func resourceRestartPlan(_ names: [String], _ plan: Plan, config: Config, server: ServerState, graph: ResourceGraph?) -> Plan {
        var plan = plan
        let start: [Plan.Action] = (config.services.isEmpty ? [] : [.awaitServices]) + [.startServer, .awaitReady] + (config.reconnect.enabled ? [.reconnectClient] : [])
        let fullRestart = (server.needsStop ? [.stopServer] : []) + start
        guard server.takesConsoleCommands else {
            plan.fullRestartReason = server.needsStop ? .serverStoppingOrExited : .serverNotRunning
            plan.actions = fullRestart
            return plan
        }
        plan.resourceGraph = graph ?? ResourceGraph.read(resourcesDir: config.server.resourcesDir, platform: config.server.platform.platform)
        plan.resources = names
        plan.restartCandidates = names
        plan.actions = [.restartResources(plan.resourceGraph.roots(of: names))]
        plan.fallback = fullRestart
        return plan
    }

    /// Why a change set under restart-resources needs the whole server restarted (nil when the console can do it).
    static func restartReason(_ touched: Touched, gating: [StageSettings], server: ServerState) -> FullRestartReason? {
        if !server.takesConsoleCommands { return server.needsStop ? .serverStoppingOrExited : .serverNotRunning }
        if let reason = touched.reason { return reason }
        // A stop_first stage whose outputs name no resource may overwrite anything: the server stops.
        if let stage = gating.first(where: { $0.stopsFirst && touched.ofStage[$0.name] == nil }) { return .stageStopsFirst(stage.name) }
        return nil
    }

    /// The stages a trigger runs: all at the first start, those whose `when` matches for a change set.
    static func selectedStages(for trigger: CycleTrigger, config: Config) -> [StageSettings] {
        switch trigger {
        case .initialStart:
            // Like a build tool's first run: the server should not start on stale output.
            return config.stages
        case .changes(let changes):
            return config.stages.filter { stage in
                guard let when = stage.when, !changes.overflowed else { return true }
                let globs = GlobSet(base: config.directory, patterns: when)
                return changes.paths.contains { globs.matches($0) }
            }
        case .configChanged, .crashRestart, .manualRestart, .resourceRestart:
            return []
        }
    }

    /// The checks started first, then the gating stages in batches (a parallel one joins the batch
    /// before it), with the server stopped before the first batch that has a `stop_first` stage.
    static func stageActions(gating: [StageSettings], checks: [StageSettings], stop: Plan.Action?) -> (actions: [Plan.Action], stopsServer: Bool) {
        var batches: [[String]] = []
        for stage in gating {
            if stage.parallel, !batches.isEmpty { batches[batches.count - 1].append(stage.name) } else { batches.append([stage.name]) }
        }
        var actions: [Plan.Action] = batches.map { .runStages($0) }
        // A stage that overwrites what the running server holds (stop_first = true) runs after the stop.
        let stopBefore = batches.firstIndex { batch in batch.contains { name in gating.contains { $0.name == name && $0.stopsFirst } } }
        if let stopBefore, let stop { actions.insert(stop, at: stopBefore) }
        return ((checks.isEmpty ? [] : [.startChecks(checks.map(\.name))]) + actions, stopBefore != nil && stop == .stopServer)
    }

    /// What a change set touches.
    struct Touched {
        /// The resources to restart: those the paths lie in and those the stages' outputs name.
        var restart: [String] = []
        /// With those a changed source folder is named after, for `ALTV_DEV_RESOURCES`.
        var all: [String] = []
        /// Why it cannot be applied by restarting just those resources (nil when it can).
        var reason: FullRestartReason?
        /// The resources each stage's outputs name, for the stages whose outputs lie in the resources folder.
        var ofStage: [String: [String]] = [:]
        /// Every path lies outside the resources and only `gate = false` stages run for it.
        var checksOnly = false
    }

    /// A stage whose outputs all lie in the resources folder changes resources only: those its
    /// outputs name (nil for a stage that may write anywhere), plus those it is seen writing while it runs.
    static func resourcesOfStages(_ stages: [StageSettings], directory: String, map: ResourceMap) -> [String: [String]?] {
        var resources: [String: [String]?] = [:]
        for stage in stages {
            let folders = stage.outputs.map { FilePath.resolve(GlobSet.literalFolder(of: $0), against: directory) }
            let inside = !folders.isEmpty && folders.allSatisfy { PathFilter.relative($0, to: map.resourcesDir) != nil }
            resources[stage.name] = .some(stage.writesNothing ? [] : inside ? folders.compactMap { map.resource(ofFolderAt: $0) } : nil)
        }
        return resources
    }

    /// The resources a change set touches, and why it cannot be applied by restarting just them.
    static func resourcesTouched(
        by changes: ChangeSet, stages: [StageSettings], checks: [StageSettings] = [], config: Config, map: ResourceMap
    ) -> Touched {
        var names: [String] = []
        func add(_ name: String) { if !names.contains(name) { names.append(name) } }
        var reason: FullRestartReason?
        if changes.overflowed { reason = .eventsLost }
        let serverToml = config.server.serverToml
        let stageResources = resourcesOfStages(stages, directory: config.directory, map: map)
        for stage in stages { stageResources[stage.name]??.forEach(add) }
        let checkGlobs = checks.map { GlobSet(base: config.directory, patterns: $0.when ?? ["**"]) }
        var checkedOnly = 0
        // For ALTV_DEV_RESOURCES: a source folder named like a resource (src/core/…) touches it.
        let resourceNames = Set(map.resourceNames())
        var named: [String] = []
        let whenGlobs = stages.compactMap { stage in stage.when.map { (stage, GlobSet(base: config.directory, patterns: $0)) } }
        for path in changes.paths {
            let relative = PathFilter.relative(path, to: config.directory) ?? path
            if path == serverToml {
                reason = reason ?? .serverTomlChanged
                continue
            }
            if let name = map.resource(containing: path) ?? map.resource(ofTopFolder: path) {
                add(name)
                continue
            }
            let folders = relative.split(separator: "/").dropLast().map(String.init)
            for (depth, name) in folders.enumerated() where !named.contains(name) {
                // A new src/<name>/ with its resource.toml names a resource that has no folder in resources/ yet.
                let isSource = map.isResourceSource(config.directory + "/" + folders[...depth].joined(separator: "/"))
                if resourceNames.contains(name) || isSource { named.append(name) }
            }
            let handled = whenGlobs.filter { $0.1.matches(path) }.map(\.0)
            // A gating stage without `when` runs for every path: none is only a check's.
            if handled.isEmpty, !changes.overflowed, !stages.contains(where: { $0.when == nil }), checkGlobs.contains(where: { $0.matches(path) }) {
                checkedOnly += 1
                continue
            }
            guard reason == nil else { continue }
            if handled.isEmpty {
                reason = .outsideResources(relative)
            } else if let unknown = handled.first(where: { stageResources[$0.name] == .some(nil) }) {
                reason = .stageWritesOutsideResources(unknown.name)
            }
        }
        if reason == nil, let untypable = names.first(where: { !ResourceName.canBeTyped($0) }) {
            reason = .untypable(untypable)
        }
        let writesResources = stages.contains { !$0.writesNothing && stageResources[$0.name] != .some(nil) }
        var touched = Touched(restart: names, all: names + named.filter { !names.contains($0) })
        touched.ofStage = stageResources.compactMapValues { $0 }.filter { !$0.value.isEmpty }
        touched.checksOnly = reason == nil && names.isEmpty && !writesResources && checkedOnly > 0 && checkedOnly == changes.paths.count
        if reason == nil, names.isEmpty, !writesResources, !touched.checksOnly { reason = .noResourceChanged }
        touched.reason = reason
        return touched
    }
}

/// What can be typed after `restart ` in the server's console.
enum ResourceName {
    /// The console splits a line at white space and nothing documents a quoting rule, so a name
    /// with white space (or a control character) cannot be named there: such a resource gets a full restart.
    static func canBeTyped(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
    }
}
