/// `altv-dev --version`. `scripts/dist` writes the release's `git describe` here for its build
/// and puts this line back afterwards; a build from source says so.
let altvDevVersion = "0.2.0-dev (built from source)"
