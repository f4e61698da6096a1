/// `altv-dev --version`: VERSION's, marked as a build from source. `scripts/dist` writes the
/// release's version (scripts/version) here for its build and puts this line back afterwards.
let altvDevVersion = "0.3.0-dev (built from source)"
